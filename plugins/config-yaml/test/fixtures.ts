/** A small Hydra-style config tree used by several tests. */
export const basicConf: Record<string, string> = {
  'conf/config.yaml': `defaults:
  - model: small
  - data: mnist
  - trainer: default
  - _self_

seed: 1
model:
  dropout: 0.1
`,
  'conf/model/small.yaml': `name: small
units: 64
dropout: 0.5
`,
  'conf/model/large.yaml': `name: large
units: 512
dropout: 0.3
`,
  'conf/data/mnist.yaml': `name: mnist
path: /data/mnist
batch: 32
`,
  'conf/data/cifar.yaml': `name: cifar
path: /data/cifar
batch: 64
`,
  'conf/trainer/default.yaml': `defaults:
  - callbacks: [early_stop]
  - optional profiler: basic
epochs: 3
`,
  'conf/trainer/callbacks/early_stop.yaml': `early_stop:
  patience: 3
`,
  'conf/trainer/callbacks/checkpoint.yaml': `checkpoint:
  every: 1
`,
  'conf/optim/adam.yaml': `name: adam
lr: 0.001
`,
  'conf/experiment/fast.yaml': `# @package _global_
defaults:
  - override /model: large
trainer:
  epochs: 1
`,
};

export function withFiles(extra: Record<string, string>): Record<string, string> {
  return { ...basicConf, ...extra };
}

/** The files basicConf composes with `model=large`, in composition order. */
export const largeModelSources = ['conf/config.yaml', 'conf/model/large.yaml', 'conf/data/mnist.yaml', 'conf/trainer/default.yaml', 'conf/trainer/callbacks/early_stop.yaml'];
