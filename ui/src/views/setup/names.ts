// The guide's steps by name, as its list and its last step show them.
import type { SetupStep } from '../../bindings';
import type { TextKey } from '../../i18n';

export const STEP_NAME: Record<SetupStep, TextKey> = {
  agency: 'setup.step.agency',
  github: 'setup.step.github',
  supabase: 'setup.step.supabase',
  vercel: 'setup.step.vercel',
  n8n: 'setup.step.n8n',
  resend: 'setup.step.resend',
  gitea: 'setup.step.gitea',
  stripe: 'setup.step.stripe',
  proof: 'setup.step.proof',
  done: 'setup.step.done',
};

/** Where a step stands, as the list and the last step show it. */
export type StepState = 'done' | 'skipped' | 'todo';
