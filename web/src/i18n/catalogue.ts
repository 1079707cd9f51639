/**
 * Message catalogues: every label in Chinese (the default) and English. A module defines its own
 * with defineMessages(zh, en); the English one must have every key of the Chinese one (the
 * compiler checks it), and a unit test checks both have the same {placeholders}.
 */
export type Language = 'zh-CN' | 'en';
export const LANGUAGES: readonly Language[] = ['zh-CN', 'en'];

export interface Catalogue<K extends string = string> {
  zh: Record<K, string>;
  en: Record<K, string>;
}

export function defineMessages<const Z extends Record<string, string>>(
  zh: Z,
  en: { [K in keyof Z]: string },
): Catalogue<Extract<keyof Z, string>> {
  return { zh: zh as Record<Extract<keyof Z, string>, string>, en };
}

/** `{name}` in a message replaced by vars.name (missing ones stay as written). */
export function format(message: string, vars?: Record<string, string | number>): string {
  if (!vars) return message;
  return message.replace(/\{(\w+)\}/g, (all, name: string) =>
    name in vars ? String(vars[name]) : all,
  );
}

export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** Every catalogue of the app, for the consistency test. */
export const registered: Catalogue[] = [];
export function register<C extends Catalogue>(c: C): C {
  registered.push(c);
  return c;
}
