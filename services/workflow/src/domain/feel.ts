// FEEL (the expression language of DMN and Camunda 8) through feelin. feelin is ESM-only and we
// compile to CommonJS, so it is loaded once with a dynamic import; after that evaluation is
// synchronous, which keeps the engine's commands plain deterministic functions.

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Variables = Record<string, JsonValue>;

const loadFeelin = () => import('feelin');
type Feelin = Awaited<ReturnType<typeof loadFeelin>>;

export class FeelError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`FEEL expression "${expression}": ${reason}`);
    this.name = 'FeelError';
  }
}

/** Strips the `=` that marks an expression in Camunda 8 attributes. */
export function stripExpressionMarker(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('=') ? trimmed.slice(1).trim() : trimmed;
}

export function isExpression(value: string): boolean {
  return value.trim().startsWith('=');
}

/** Converts a FEEL result (which may hold temporal objects) to plain JSON. */
function toJson(value: unknown): JsonValue {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

export class Feel {
  constructor(private readonly feelin: Feelin) {}

  /** Evaluates FEEL (with or without the leading `=`); throws FeelError on syntax or runtime errors. */
  evaluate(expression: string, variables: Variables): JsonValue {
    const source = stripExpressionMarker(expression);
    if (source === '') throw new FeelError(expression, 'the expression is empty');
    try {
      return toJson(this.feelin.evaluate(source, variables).value);
    } catch (error) {
      throw new FeelError(expression, error instanceof Error ? error.message : String(error));
    }
  }

  /** `=expr` is evaluated, anything else is the literal string itself. */
  valueOf(expressionOrLiteral: string, variables: Variables): JsonValue {
    return isExpression(expressionOrLiteral)
      ? this.evaluate(expressionOrLiteral, variables)
      : expressionOrLiteral;
  }

  /** A condition passes only when it evaluates to exactly `true` (null, "true", 1 do not). */
  isTrue(condition: string, variables: Variables): boolean {
    return this.evaluate(condition, variables) === true;
  }

  /** Returns a description of the first syntax error, or null when the expression parses. */
  syntaxError(expression: string): string | null {
    const source = stripExpressionMarker(expression);
    if (source === '') return 'the expression is empty';
    let tree;
    try {
      tree = this.feelin.parseExpression(source, {}, undefined);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    let problem: string | null = null;
    tree.iterate({
      enter: (node) => {
        if (problem !== null) return false;
        if (node.type.isError) {
          problem = `syntax error at position ${node.from}: "${source.slice(node.from, node.from + 20) || 'end of expression'}"`;
          return false;
        }
        return undefined;
      },
    });
    return problem;
  }
}

let loading: Promise<Feel> | null = null;

/** The FEEL runtime, loaded once per process. */
export function loadFeel(): Promise<Feel> {
  loading ??= loadFeelin().then((feelin) => new Feel(feelin));
  return loading;
}
