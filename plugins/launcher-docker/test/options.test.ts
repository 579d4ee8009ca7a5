import { describe, expect, it } from 'vitest';
import pkg from '../package.json';
import { dockerLauncher, planContainer } from '../src/index.js';
import { parseOptions } from '../src/options.js';
import { spec, project } from './helpers.js';

describe('dockerLauncher options', () => {
  it('validates options at factory time and lists each problem with its path', () => {
    expect(() => dockerLauncher({ pull: 'sometimes', mounts: [{ source: 1 }], imageProjectDir: 'app' } as never)).toThrowError(
      expect.objectContaining({
        code: 'PLUGIN_OPTIONS_INVALID',
        plugin: '@aeroml/launcher-docker',
        message: [
          'Invalid options for dockerLauncher():',
          '  - `pull`: Invalid option: expected one of "never"|"missing"|"always"',
          '  - `imageProjectDir`: Invalid string: must start with "/"',
          '  - `mounts.0.source`: expected string, received number',
        ].join('\n'),
      }),
    );
  });

  it('has the plugin shape', () => {
    expect(dockerLauncher({ name: 'box', maxConcurrency: 2 })).toMatchObject({ kind: 'launcher', name: 'box', packageName: '@aeroml/launcher-docker', maxConcurrency: 2 });
  });
});

describe('container plan', () => {
  it('maps resources to docker flags: GPUs, cpus, memory, user, network, env, mounts', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'train', {}, { resources: { cpus: 2, gpus: 2, memoryMb: 512, docker: { network: 'none', env: { B: '2' }, mounts: ['/data:/mnt/data:ro'] } }, env: { A: '1' } });
    process.env.AERO_PASS_ME = 'yes';
    process.env.OTHER_PREFIX_A = 'a';
    const plan = planContainer(job, parseOptions({ image: 'img:1', user: '1000:1000', passEnv: ['AERO_PASS_ME', 'OTHER_PREFIX_*', 'NOT_SET_ANYWHERE'] }), ['/usr/bin/node', '/nonexistent/aero/bin.js', 'exec']);
    const argv = plan.argv.join(' ');
    expect(argv).toContain(`-v ${cwd}:${cwd} `);
    expect(argv).toContain('-v /data:/mnt/data:ro ');
    expect(argv).toContain('--user 1000:1000 --network none -e AERO_PASS_ME=yes -e OTHER_PREFIX_A=a -e A=1 -e B=2 --gpus "device=0,1" --cpus 2 --memory 512m img:1 node /nonexistent/aero/bin.js exec --spec ' + job.jobDir + '/job.json');
  });

  it('passes the devices the engine allocated: docker --gpus "device=…", podman CDI devices, renumbered inside', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'train', {}, { resources: { gpus: 2 }, gpus: ['1', '3'], env: { CUDA_VISIBLE_DEVICES: '1,3', A: '1' } });
    const docker = planContainer(job, parseOptions({ image: 'img:1' }), ['node', 'x']);
    const at = docker.argv.indexOf('--gpus');
    expect(docker.argv.slice(at, at + 2)).toEqual(['--gpus', '"device=1,3"']);
    // The container sees only those two, as 0 and 1: the host's ids must not reach it.
    expect(docker.argv).toContain('A=1');
    expect(docker.argv.join(' ')).not.toContain('CUDA_VISIBLE_DEVICES');
    expect(docker.hostSpecPath).toBe(job.jobDir + '/job.container.json');
    expect(docker.containerSpec.gpus).toEqual(['0', '1']);
    expect(docker.containerSpec.env).toEqual({ A: '1' });
    const podman = planContainer(job, parseOptions({ runtime: 'podman', image: 'img:1' }), ['node', 'x']);
    expect(podman.argv.join(' ')).toContain('--device nvidia.com/gpu=1 --device nvidia.com/gpu=3 ');
  });

  it('lets the engine hand out GPUs (it does not manage them itself)', () => {
    expect(dockerLauncher().managesGpus).toBeFalsy();
  });

  it('requests GPUs as CDI devices with podman', async () => {
    const cwd = await project();
    const job = await spec(cwd, 'train', {}, { resources: { gpus: 2 } });
    const plan = planContainer(job, parseOptions({ runtime: 'podman', image: 'img:1' }), ['node', 'x']);
    expect(plan.argv.join(' ')).toContain('--device nvidia.com/gpu=0 --device nvidia.com/gpu=1');
  });
});

describe('dockerLauncher version', () => {
  it('is the version in package.json (inlined at build time, no literal to forget)', () => {
    expect(dockerLauncher().version).toBe(pkg.version);
    expect(dockerLauncher().packageName ?? pkg.name).toBe(pkg.name);
  });
});

describe('dockerLauncher unknown options', () => {
  it('names the nearest valid option', () => {
    expect(() => dockerLauncher({ imgae: 'img:1' } as never)).toThrow('Invalid options for dockerLauncher():\n  - `imgae`: unknown option. Did you mean `image`?');
  });
});
