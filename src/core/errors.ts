/**
 * One registry of Hubguard error codes (in the manner of Fastify's FST_ERR_*).
 * Each code carries a message template, the HTTP status an API maps it to, and
 * whether the fault is the user's (bad input) or Hubguard's (a bug or an outage).
 */
export const ERRORS = {
  HG_ERR_FILE_NOT_FOUND: { status: 404, user: true, message: 'file not found' },
  HG_ERR_FILE_TOO_LARGE: { status: 413, user: true, message: 'file is larger than the limit' },
  HG_ERR_ENCODING: { status: 400, user: true, message: 'invalid UTF-8' },
  HG_ERR_LINE_TOO_LONG: { status: 400, user: true, message: 'line is longer than the limit' },
  HG_ERR_CSV: { status: 400, user: true, message: 'malformed CSV' },
  HG_ERR_JSON: { status: 400, user: true, message: 'malformed JSON' },
  HG_ERR_YAML: { status: 400, user: true, message: 'malformed YAML' },
  HG_ERR_UNKNOWN_COLUMN: { status: 400, user: true, message: 'unknown column' },
  HG_ERR_MISSING_COLUMN: { status: 400, user: true, message: 'required column is missing' },
  HG_ERR_VALIDATION: { status: 400, user: true, message: 'invalid value' },
  HG_ERR_DUPLICATE_KEY: { status: 409, user: true, message: 'duplicate key' },
  HG_ERR_DANGLING_REF: { status: 400, user: true, message: 'reference to an unknown record' },
  HG_ERR_UNKNOWN_CONTROL: { status: 400, user: true, message: 'unknown control id' },
  HG_ERR_UNRECOGNIZED_FILE: { status: 400, user: true, message: 'no importer recognizes this file' },
  HG_ERR_TOO_MANY_ERRORS: { status: 400, user: true, message: 'too many errors; stopped reporting' },
  HG_ERR_CONFIG: { status: 500, user: true, message: 'invalid configuration' },
  HG_ERR_USAGE: { status: 400, user: true, message: 'invalid command usage' },
  HG_ERR_NETWORK: { status: 502, user: true, message: 'download failed' },
  HG_ERR_TENANT_SCOPE: { status: 403, user: false, message: 'operation outside the caller tenant scope' },
  HG_ERR_DB: { status: 503, user: false, message: 'database error' },
  HG_ERR_CATALOG: { status: 500, user: false, message: 'invalid control catalog' },
  HG_ERR_INTERNAL: { status: 500, user: false, message: 'internal error' },
} as const satisfies Record<string, { status: number; user: boolean; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Where in an input a problem was found. Lines and columns are 1-based. */
export interface Location {
  file: string;
  line?: number;
  column?: number;
  /** Dotted field path inside the record, e.g. `mfa.0.method`. */
  field?: string;
}

/** Formats a location the way compilers do: `file:line:col: field`. */
export function formatLocation(loc: Location): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  if (loc.field) s += `: ${loc.field}`;
  return s;
}

/** An error with a registered code and, for input problems, where it happened. */
export class HubguardError extends Error {
  readonly code: ErrorCode;
  readonly location?: Location;
  readonly status: number;
  readonly userFault: boolean;
  /** The message without its location. */
  readonly text: string;

  constructor(code: ErrorCode, detail?: string, location?: Location, options?: { cause?: unknown }) {
    const base = ERRORS[code].message;
    const text = detail ? `${base}: ${detail}` : base;
    super(location ? `${formatLocation(location)}: ${text}` : text, options);
    this.name = 'HubguardError';
    this.code = code;
    this.location = location;
    this.status = ERRORS[code].status;
    this.userFault = ERRORS[code].user;
    this.text = text;
  }

  /** `file:line: field: message [HG_ERR_X]`, the form the CLI prints. */
  override toString(): string {
    return `${this.message} [${this.code}]`;
  }
}

/** A problem found while validating input, kept as data so that every problem can be reported. */
export interface Problem {
  code: ErrorCode;
  message: string;
  location: Location;
}

/** Renders a problem as `file:line: field: message [HG_ERR_X]`. */
export function formatProblem(p: Problem): string {
  return `${formatLocation(p.location)}: ${p.message} [${p.code}]`;
}

/** Thrown when input has one or more problems; carries every one found. */
export class ValidationFailed extends HubguardError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const first = problems[0];
    super(first?.code ?? 'HG_ERR_VALIDATION', `${problems.length} problem(s) found`, first?.location);
    this.problems = problems;
  }
}
