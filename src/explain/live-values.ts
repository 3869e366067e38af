import type { Lang, ParsedArgs } from '../chat/command.ts';

/**
 * Live numbers for a walkthrough: a topic's markdown refers to `{{name}}`, and the topic's
 * LiveValues function computes every name with the project's own calculators (src/core,
 * src/simulator), formatted for the reader's language. No number in a walkthrough is typed
 * by hand unless it is a cited fact.
 * `args` are the reader's own optional inputs (e.g. `/explain adl side=short entry=122k mark=102k lev=20`).
 */
export type LiveValues = (lang: Lang, args: ParsedArgs) => Record<string, string>;
