import type { z } from 'zod';

/** `strategy.steps[2].setWeight` from a zod path. */
export function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

function got(input: unknown): string {
  if (input === undefined) return 'nothing';
  const text = JSON.stringify(input);
  return text && text.length > 60 ? `${text.slice(0, 57)}...` : (text ?? String(input));
}

/** One readable sentence per zod issue, as `path must …, got …`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${formatPath([...issue.path, issue.keys[0]!])}: unknown field${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}; check the spelling (the schema in sim/scenario/ lists every field)`;
    case 'too_big':
    case 'too_small': {
      const range = describeRange(issue);
      return `${path} must be ${range}, got ${got(input)}`;
    }
    case 'invalid_type':
      return input === undefined
        ? `${path} is required (${issue.expected})`
        : `${path} must be ${article(issue.expected)}, got ${got(input)}`;
    case 'invalid_value':
      return `${path} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${got(input)}`;
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) {
        const value = (input as Record<string, unknown> | undefined)?.[String(issue.path.at(-1) ?? 'type')];
        return `${path} must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${got(value)}`;
      }
      return `${path}: ${issue.message}`;
    }
    default: {
      if (!issue.message.startsWith('must')) return `${path} is invalid: ${issue.message}`;
      const suffix = input !== undefined && !/\bgot\b/.test(issue.message) ? `, got ${got(input)}` : '';
      return `${path} ${issue.message}${suffix}`;
    }
  }
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeRange(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
  if (issue.origin === 'array')
    return issue.code === 'too_big'
      ? `at most ${bound} items`
      : `at least ${bound} item${Number(bound) === 1 ? '' : 's'}`;
  if (issue.origin === 'string')
    return issue.code === 'too_big' ? `at most ${bound} characters` : `at least ${bound} characters`;
  const op = issue.code === 'too_big' ? (issue.inclusive ? '<=' : '<') : issue.inclusive ? '>=' : '>';
  return `${op} ${bound}`;
}
