// The AWS SDK reports a profile that does not exist as "Could not load credentials from any
// providers", naming neither the profile nor the files it read. Those files are read here,
// only once credentials were not found, so the message can say which profile is missing,
// where it was looked for and which profiles are there.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { didYouMean, nearestNames } from '@aeroml/core';

/** The profile the SDK's credential chain used: the `profile` option, else AWS_PROFILE. */
export interface ChosenProfile {
  name: string;
  from: string;
}

interface ProfileFile {
  /** `/home/me/.aws/credentials`, or `/tmp/c (AWS_SHARED_CREDENTIALS_FILE)` when set by that variable. */
  label: string;
  /** Profile names in the file; undefined when the file cannot be read. */
  profiles: string[] | undefined;
}

export function chosenProfile(option: string | undefined): ChosenProfile | undefined {
  if (option) return { name: option, from: 'the `profile` option' };
  const env = process.env.AWS_PROFILE;
  return env ? { name: env, from: 'AWS_PROFILE' } : undefined;
}

/**
 * Where the SDK reads profiles: the shared credentials file (`[name]` sections) and the
 * config file (`[default]` and `[profile name]`; other sections such as `[sso-session x]`
 * are not profiles), each moved by its environment variable.
 */
function profileFiles(): ProfileFile[] {
  const aws = join(homedir(), '.aws');
  return [
    read('AWS_SHARED_CREDENTIALS_FILE', join(aws, 'credentials'), (section) => section),
    read('AWS_CONFIG_FILE', join(aws, 'config'), (section) => (section === 'default' ? section : /^profile\s+(.+)$/.exec(section)?.[1])),
  ];
}

function read(variable: string, fallback: string, profileOf: (section: string) => string | undefined): ProfileFile {
  const path = process.env[variable] || fallback;
  const label = process.env[variable] ? `${path} (${variable})` : path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { label, profiles: undefined };
  }
  const profiles = [...text.matchAll(/^\s*\[([^\]]+)\]/gm)].map((m) => profileOf(m[1]!.trim())?.trim()).filter((p): p is string => Boolean(p));
  return { label, profiles };
}

/**
 * Why the chosen profile gave no credentials, as the message of S3_CREDENTIALS_MISSING:
 * it is in neither file (with the profiles that are, and the nearest), or it is there
 * without anything the SDK can make credentials from.
 */
export function profileProblem(profile: ChosenProfile, where: string): string {
  const files = profileFiles();
  const found = files.filter((f) => f.profiles?.includes(profile.name));
  const fix = profile.from === 'AWS_PROFILE' ? 'AWS_PROFILE' : 'the `profile` option';
  if (found.length > 0) {
    return `No AWS credentials found for ${where} in the AWS profile \`${profile.name}\` (${profile.from}), which is in ${found.map((f) => f.label).join(' and ')}: give it aws_access_key_id and aws_secret_access_key (or sso_session, role_arn, credential_process), or fix ${fix}.`;
  }
  const listed = files.map((f) => (f.profiles === undefined ? `${f.label} (missing)` : f.label));
  const names = [...new Set(files.flatMap((f) => f.profiles ?? []))];
  const there = names.length > 0 ? `; the profiles there are ${names.map((n) => `\`${n}\``).join(', ')}` : '; there are no profiles there';
  const suggestion = didYouMean(nearestNames(profile.name, names));
  return `The AWS profile \`${profile.name}\` (${profile.from}) was not found for ${where}: it is in neither ${listed.join(' nor ')}${there}.${suggestion ? ` ${suggestion}` : ''} Fix ${fix}, or create the profile (\`aws configure --profile ${profile.name}\`).`;
}
