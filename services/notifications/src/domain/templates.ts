// Message templates: ICU MessageFormat per locale, checked against the variables their event
// carries when registered, and rendered with money, dates and rates formatted the bank's way.
import type * as Icu from 'intl-messageformat' with { 'resolution-mode': 'import' };
import {
  BANK_TIME_ZONE,
  dayNumberOf,
  invalidArgument,
  type FieldViolation,
} from '@loanflow/platform';
import { EVENT_CATALOGUE, type VariableKind } from './event-catalogue';

// intl-messageformat is ESM-only and we compile to CommonJS: Node ≥ 20.19 (our engines) loads it
// with require(), which keeps checking and rendering plain synchronous functions.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { IntlMessageFormat } = require('intl-messageformat') as typeof Icu;

type Element = ReturnType<Icu.IntlMessageFormat['getAst']>[number];

export const CHANNELS = ['in_app', 'email', 'sms'] as const;
export const LOCALES = ['zh-CN', 'en'] as const;
export type Channel = (typeof CHANNELS)[number];
export type Locale = (typeof LOCALES)[number];

export interface TemplateDraft {
  code: string;
  channel: Channel;
  locale: Locale;
  eventType: string;
  /** ICU; the in-app title and the e-mail subject (empty for SMS). */
  subject: string;
  /** ICU; the in-app text, the e-mail's plain part, the SMS text. */
  body: string;
  /** ICU; the e-mail's HTML (a fragment is put in the layout; empty: made from the body). */
  html: string;
  /** SMS: the template code registered with the provider. */
  providerTemplateCode: string;
}

export interface RenderedMessage {
  subject: string;
  body: string;
  html: string;
}

export const SMS_BODY_MAX = 500;
export const SUBJECT_MAX = 200;
const CODE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;

// HTML elements with attributes are no ICU tags, and plain text may hold a "<": every text is
// parsed with tags off, so markup is literal text and only {…} are placeholders.
const PARSE_OPTIONS = { ignoreTag: true } as const;

/**
 * Checks a template before it is stored: valid ICU, only variables its event carries (in
 * plural/select branches too), what its channel needs, within limits. Every problem is reported
 * at once (invalidArgument, one violation per problem); else the variables it uses.
 */
export function checkTemplate(draft: TemplateDraft): { variables: string[] } {
  const violations: FieldViolation[] = [];
  const problem = (field: string, reason: string) => {
    // A variable used twice is one problem.
    if (!violations.some((v) => v.field === field && v.reason === reason))
      violations.push({ field, reason });
  };

  if (!CODE.test(draft.code))
    problem('code', 'must be lower-case words joined by dots, e.g. "task.assigned"');
  if (!(CHANNELS as readonly string[]).includes(draft.channel))
    problem('channel', `must be one of ${CHANNELS.join(', ')} (was "${draft.channel}")`);
  if (!(LOCALES as readonly string[]).includes(draft.locale))
    problem('locale', `must be one of ${LOCALES.join(', ')} (was "${draft.locale}")`);
  const entry = EVENT_CATALOGUE[draft.eventType];
  if (entry === undefined)
    problem(
      'eventType',
      `unknown event type "${draft.eventType}"; known: ${Object.keys(EVENT_CATALOGUE).join(', ')}`,
    );

  if (draft.channel === 'sms') {
    if (draft.providerTemplateCode.trim() === '')
      problem(
        'providerTemplateCode',
        'an SMS template needs the template code registered with the SMS provider',
      );
    if (draft.body.length > SMS_BODY_MAX)
      problem(
        'body',
        `an SMS is at most ${SMS_BODY_MAX} characters (this one has ${draft.body.length})`,
      );
  } else if (draft.subject.trim() === '') {
    problem(
      'subject',
      `${draft.channel === 'email' ? 'an e-mail' : 'an in-app message'} needs a subject`,
    );
  }
  if (draft.subject.length > SUBJECT_MAX)
    problem('subject', `at most ${SUBJECT_MAX} characters (this one has ${draft.subject.length})`);
  if (draft.body.trim() === '') problem('body', 'the body is empty');
  if (/<script/i.test(draft.html)) problem('html', 'must not contain <script>');

  const variables = new Set<string>();
  for (const field of ['subject', 'body', 'html'] as const) {
    const text = draft[field];
    if (text === '') continue;
    let ast: Element[];
    try {
      ast = parseMessage(text, draft.locale);
    } catch (error) {
      problem(field, `not valid ICU MessageFormat: ${describeSyntaxError(error)}`);
      continue;
    }
    for (const use of usesOf(ast)) {
      variables.add(use.name);
      if (entry === undefined) continue;
      const variable = entry.variables[use.name];
      if (variable === undefined) {
        problem(
          field,
          `variable "${use.name}" is not carried by ${draft.eventType}; it carries: ${Object.keys(entry.variables).join(', ')}`,
        );
        continue;
      }
      // The provider holds its own copy of an SMS template and only substitutes ${name}: a
      // choice made here could not be made there, so the text sent would differ from ours.
      if (draft.channel === 'sms' && use.as !== 'value')
        problem(
          field,
          `variable "${use.name}": an SMS template is registered with the provider, which only substitutes variables — no ${use.as}; make one template per case and a rule condition for each`,
        );
      const misuse = misuseOf(use.as, variable.kind);
      if (misuse !== undefined)
        problem(field, `variable "${use.name}" (${variable.kind}): ${misuse}`);
    }
  }
  if (violations.length > 0) throw invalidArgument(violations);
  return { variables: [...variables].sort() };
}

type Use = { name: string; as: 'value' | 'number' | 'date' | 'time' | 'select' | 'plural' };

// The parser's element types (TYPE of @formatjs/icu-messageformat-parser).
const LITERAL = 0;
const ARGUMENT = 1;
const NUMBER = 2;
const DATE = 3;
const TIME = 4;
const SELECT = 5;
const PLURAL = 6;
const POUND = 7;

/** Every placeholder of a message, walking into plural/select branches and tags. */
function usesOf(elements: Element[]): Use[] {
  const uses: Use[] = [];
  const walk = (list: Element[]) => {
    for (const element of list) {
      const type = element.type as number;
      if (type === LITERAL || type === POUND) continue;
      const as =
        type === ARGUMENT
          ? 'value'
          : type === NUMBER
            ? 'number'
            : type === DATE
              ? 'date'
              : type === TIME
                ? 'time'
                : type === SELECT
                  ? 'select'
                  : type === PLURAL
                    ? 'plural'
                    : undefined;
      // A tag (only when tags are parsed) is a placeholder too: its name is a variable.
      if ('value' in element && typeof element.value === 'string')
        uses.push({ name: element.value, as: as ?? 'value' });
      if ('options' in element)
        for (const option of Object.values(element.options)) walk(option.value);
      if ('children' in element) walk(element.children);
    }
  };
  walk(elements);
  return uses;
}

/** Why a placeholder does not suit its variable's kind (values arrive formatted, as text). */
function misuseOf(as: Use['as'], kind: VariableKind): string | undefined {
  if ((as === 'plural' || as === 'number') && kind !== 'count')
    return `only counts take "${as}"; write {name} and it is formatted for you`;
  if (as === 'date' || as === 'time')
    return `dates are formatted for you; write {name} without "${as}"`;
  return undefined;
}

function parseMessage(text: string, locale: string): Element[] {
  return new IntlMessageFormat(text, locale, undefined, PARSE_OPTIONS).getAst();
}

/** The parser's reason and where it is, e.g. "EXPECT_ARGUMENT_CLOSING_BRACE at line 1, column 4". */
function describeSyntaxError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const at = (error as { location?: { start?: { line: number; column: number } } }).location?.start;
  return at === undefined
    ? error.message
    : `${error.message} at line ${at.line}, column ${at.column}`;
}

/**
 * Parsed messages by locale and text: parsing and resolving the locale cost more than formatting,
 * and a fan-out renders the same few templates for every recipient. Bounded, as template texts
 * are versioned data an administrator can keep adding.
 */
const compiledMessages = new Map<
  string,
  { message: Icu.IntlMessageFormat; uses: ReturnType<typeof usesOf> }
>();
const COMPILED_KEPT = 1000;

function compiled(text: string, locale: Locale) {
  const key = `${locale}\u0000${text}`;
  let hit = compiledMessages.get(key);
  if (!hit) {
    if (compiledMessages.size >= COMPILED_KEPT) compiledMessages.clear();
    const message = new IntlMessageFormat(text, locale, undefined, PARSE_OPTIONS);
    hit = { message, uses: usesOf(message.getAst()) };
    compiledMessages.set(key, hit);
  }
  return hit;
}

/**
 * Renders a template with the values of its variables (strings as templateVariables gives them).
 * Money, dates, datetimes (in the bank's time zone) and rates are formatted here for the locale;
 * counts stay numbers so that ICU plural works. The HTML is the html template (values escaped) in
 * the layout, or the body made into paragraphs. A value that is not what its kind says is refused
 * (field `data.<name>`); a variable without a value renders empty.
 */
export function renderTemplate(
  t: { subject: string; body: string; html: string; locale: Locale },
  values: Record<string, string>,
  kinds: Record<string, VariableKind>,
): RenderedMessage {
  const shown = formattedValues(values, kinds, t.locale);
  const format = (text: string, escape: boolean) => {
    if (text === '') return '';
    const { message, uses } = compiled(text, t.locale);
    const args: Record<string, string | number> = {};
    for (const use of uses) {
      const value = shown[use.name] ?? '';
      args[use.name] = escape && typeof value === 'string' ? escapeHtml(value) : value;
    }
    return String(message.format(args));
  };
  const subject = format(t.subject, false);
  const body = format(t.body, false);
  const html =
    t.html === ''
      ? htmlLayout(t.locale, subject, paragraphsOf(body))
      : isWholeDocument(t.html)
        ? format(t.html, true)
        : htmlLayout(t.locale, subject, format(t.html, true));
  return { subject, body, html };
}

/** The samples of an event's variables (what a preview shows). */
export function sampleValues(eventType: string): Record<string, string> {
  const entry = EVENT_CATALOGUE[eventType];
  if (entry === undefined) return {};
  return Object.fromEntries(Object.entries(entry.variables).map(([name, v]) => [name, v.sample]));
}

/** The kinds of an event's variables, as renderTemplate takes them. */
export function kindsOf(eventType: string): Record<string, VariableKind> {
  const entry = EVENT_CATALOGUE[eventType];
  if (entry === undefined) return {};
  return Object.fromEntries(Object.entries(entry.variables).map(([name, v]) => [name, v.kind]));
}

/** Values as a reader sees them (money, dates, rates formatted; counts as numbers for plurals). */
export function formattedValues(
  values: Record<string, string>,
  kinds: Record<string, VariableKind>,
  locale: Locale,
): Record<string, string | number> {
  const violations: FieldViolation[] = [];
  const shown: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === '') {
      shown[name] = '';
      continue;
    }
    try {
      shown[name] = formatValue(value, kinds[name] ?? 'text', locale);
    } catch (error) {
      violations.push({ field: `data.${name}`, reason: (error as Error).message });
    }
  }
  if (violations.length > 0) throw invalidArgument(violations);
  return shown;
}

function formatValue(value: string, kind: VariableKind, locale: Locale): string | number {
  switch (kind) {
    case 'text':
      return value;
    case 'money':
      return formatMoney(value, locale);
    case 'date':
      return formatDate(value, locale);
    case 'datetime':
      return formatDateTime(value, locale);
    case 'percent':
      return formatPercent(value);
    case 'count':
      if (!/^\d{1,15}$/.test(value))
        throw new Error(`a count must be a whole number (was "${value}")`);
      return Number(value);
  }
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Money from a decimal string of yuan, without ever making it a float: zh-CN `¥1,000,000.00`,
 * en `CNY 1,000,000.00` (the ISO code: in English "¥" is as often yen). At least two decimals;
 * more are kept, never rounded away.
 */
export function formatMoney(decimal: string, locale: Locale): string {
  const match = DECIMAL.exec(decimal.trim());
  if (!match)
    throw new Error(`money must be a decimal string of yuan, e.g. "1000.00" (was "${decimal}")`);
  const [, sign, whole, fraction = ''] = match as unknown as [string, string, string, string?];
  const digits = whole.replace(/^0+(?=\d)/, '');
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, ',');
  const cents = fraction.padEnd(2, '0');
  const negative = sign === '-' && /[1-9]/.test(digits + cents);
  const amount = `${grouped}.${cents}`;
  return locale === 'zh-CN'
    ? `${negative ? '-' : ''}¥${amount}`
    : `${negative ? '-' : ''}CNY ${amount}`;
}

const MONTHS_EN = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** A calendar date `YYYY-MM-DD`: zh-CN `2026年12月7日`, en `7 Dec 2026`. */
export function formatDate(isoDate: string, locale: Locale): string {
  if (dayNumberOf(isoDate) === undefined)
    throw new Error(`a date must be YYYY-MM-DD naming a real day (was "${isoDate}")`);
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return locale === 'zh-CN'
    ? `${year}年${month}月${day}日`
    : `${day} ${MONTHS_EN[month - 1]} ${year}`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

const clockParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: BANK_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * An instant (RFC 3339) as the bank's clock shows it (Asia/Shanghai): zh-CN `2026年12月7日 17:30`,
 * en `7 Dec 2026, 17:30`.
 */
export function formatDateTime(instant: string, locale: Locale): string {
  const at = new Date(instant);
  if (!RFC3339.test(instant) || Number.isNaN(at.getTime()))
    throw new Error(
      `a date and time must be RFC 3339, e.g. "2026-12-07T09:30:00Z" (was "${instant}")`,
    );
  const parts = clockParts.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const date = formatDate(`${part('year')}-${part('month')}-${part('day')}`, locale);
  const time = `${part('hour')}:${part('minute')}`;
  return locale === 'zh-CN' ? `${date} ${time}` : `${date}, ${time}`;
}

/** A rate in percent as a decimal string: `4.3500` → `4.35%` (two decimals at least, no float). */
export function formatPercent(decimal: string): string {
  const match = DECIMAL.exec(decimal.trim());
  if (!match)
    throw new Error(`a rate must be a decimal string in percent, e.g. "4.35" (was "${decimal}")`);
  const [, sign, whole, fraction = ''] = match as unknown as [string, string, string, string?];
  const places = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${sign}${whole.replace(/^0+(?=\d)/, '')}.${places}%`;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function isWholeDocument(html: string): boolean {
  return /^\s*(<!doctype|<html)/i.test(html);
}

/** Plain text as HTML: blank lines part paragraphs, single line breaks stay. */
function paragraphsOf(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

const FOOTER: Record<Locale, string> = {
  'zh-CN': '此邮件由 LoanFlow 系统自动发送，请勿直接回复。',
  en: 'This message was sent automatically by LoanFlow; please do not reply to it.',
};

// Inline styles only: mail clients drop <style> blocks and external sheets.
function htmlLayout(locale: Locale, subject: string, content: string): string {
  const title = escapeHtml(subject);
  return [
    '<!doctype html>',
    `<html lang="${locale}">`,
    `<head><meta charset="utf-8"><title>${title}</title></head>`,
    "<body style=\"margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;font-size:14px;line-height:1.6;color:#1f2329\">",
    '<div style="max-width:600px;margin:0 auto;background:#ffffff;border-radius:6px;padding:24px 28px">',
    `<h1 style="margin:0 0 16px;font-size:18px;color:#0b4f9c">${title}</h1>`,
    content,
    `<p style="margin:24px 0 0;font-size:12px;color:#8f959e">${escapeHtml(FOOTER[locale])}</p>`,
    '</div>',
    '</body>',
    '</html>',
  ].join('\n');
}
