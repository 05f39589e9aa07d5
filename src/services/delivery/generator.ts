// The built-in writer of tone steps: one of the tone's templates (services/tones.ts), picked
// per lead and step. A model-based generator could implement the same interface later.
import { createHash } from 'node:crypto';
import type { Tone } from '../domain.js';
import { TONE_TEMPLATES, type ToneTemplate } from '../tones.js';
import type { FollowupGenerator } from './types.js';

/**
 * The tone's templates in an order fixed by (seed, tone): SHA-256, so the same lead gets the
 * same order in every process and on every run (String hashing in JS engines is not stable).
 */
function templateOrder(tone: Tone, seed: string): readonly ToneTemplate[] {
  const order = [...TONE_TEMPLATES[tone]];
  const bytes = createHash('sha256').update(`${tone}\n${seed}`).digest();
  // Fisher-Yates driven by the hash's bytes (the modulo bias of a byte over a few templates is harmless).
  for (let i = order.length - 1; i > 0; i--) {
    const j = bytes.readUInt16BE((2 * i) % (bytes.length - 1)) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/**
 * The template for `step` of the lead whose enrollment is `seed`. Steps walk the lead's own order,
 * so steps of one tone less than a template count apart never repeat a template.
 */
export function toneTemplate(tone: Tone, step: number, seed: string): ToneTemplate {
  const order = templateOrder(tone, seed);
  return order[(((step - 1) % order.length) + order.length) % order.length]!;
}

export const builtInGenerator: FollowupGenerator = {
  generate: ({ tone, step, seed }) => toneTemplate(tone, step, seed),
};
