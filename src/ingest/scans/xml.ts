import { HubguardError } from '../../core/index.js';
import { lineColumnAt } from '../text.js';

/**
 * A small, strict, non-recursive XML tokenizer for scanner output (nmap `-oX`,
 * masscan `-oX`). It is deliberately not a general XML parser:
 *
 * - no DTDs: the only `<!DOCTYPE` accepted is the bare `<!DOCTYPE nmaprun>` nmap
 *   itself writes (no internal subset, no SYSTEM/PUBLIC identifier); anything
 *   else, and any `<!ENTITY`, is refused outright, so entity expansion ("billion
 *   laughs") and external entities cannot happen;
 * - only the five predefined entities and numeric character references are
 *   decoded; any other `&name;` is an error;
 * - depth, attribute count, name length, text/attribute size and file size are
 *   capped; every error is an HubguardError located at line and column.
 */
export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxAttributes: number;
  /** Longest text node or attribute value, in characters. */
  maxTextLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxDepth: 32,
  maxAttributes: 64,
  maxTextLength: 1024 * 1024,
};

export type XmlEvent =
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean; offset: number; depth: number }
  | { type: 'close'; name: string; offset: number; depth: number }
  | { type: 'text'; text: string; offset: number; depth: number };

/** Raised when the document ends before its root element is closed (e.g. a scan still running or killed). */
export class XmlTruncated extends HubguardError {
  /** Names of the elements still open at the end, outermost first. */
  readonly open: readonly string[];
  constructor(file: string, line: number, column: number, open: readonly string[]) {
    super('HG_ERR_VALIDATION', `truncated XML: the file ends inside <${open.join('><')}>`, { file, line, column });
    this.open = open;
  }
}

const NAME = /[A-Za-z_][A-Za-z0-9_.:-]*/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Streams the events of an XML document held in `text` (already decoded and size-checked by the caller). */
export function* xmlEvents(text: string, file: string, limits: XmlLimits = DEFAULT_XML_LIMITS): Generator<XmlEvent> {
  if (text.length > limits.maxBytes) {
    throw new HubguardError('HG_ERR_FILE_TOO_LARGE', `${text.length} characters, limit ${limits.maxBytes}`, { file });
  }
  const fail = (offset: number, msg: string): never => {
    const { line, column } = lineColumnAt(text, offset);
    throw new HubguardError('HG_ERR_VALIDATION', `XML: ${msg}`, { file, line, column });
  };
  const decode = (raw: string, at: number): string => {
    if (raw.length > limits.maxTextLength) fail(at, `text of ${raw.length} characters exceeds the limit of ${limits.maxTextLength}`);
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&<\s]{0,12});?/g, (m, name: string, idx: number) => {
      if (!m.endsWith(';')) fail(at + idx, 'a bare "&" must be written &amp;');
      if (Object.hasOwn(PREDEFINED, name)) return PREDEFINED[name]!;
      const num = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
      if (num) {
        const cp = num[1] !== undefined ? parseInt(num[1], 16) : Number(num[2]);
        if (cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) fail(at + idx, `invalid character reference ${m}`);
        return String.fromCodePoint(cp);
      }
      return fail(at + idx, `undefined entity ${m} (entities are not supported)`);
    });
  };

  /** The offset of the first character at or after `p` that is not XML white space. */
  const skipSpace = (p: number): number => {
    for (;;) {
      const c = text.charCodeAt(p);
      if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return p;
      p++;
    }
  };
  const stack: string[] = [];
  let rootClosed = false;
  let sawRoot = false;
  let doctype = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt === -1 ? n : lt;
    if (end > i) {
      const raw = text.slice(i, end);
      if (stack.length === 0) {
        if (/[^ \t\r\n]/.test(raw)) fail(i + raw.search(/[^ \t\r\n]/), 'text outside the root element');
      } else {
        yield { type: 'text', text: decode(raw, i), offset: i, depth: stack.length };
      }
    }
    if (lt === -1) break;
    i = lt;
    if (text.startsWith('<?', i)) {
      const close = text.indexOf('?>', i + 2);
      if (close === -1) truncatedOrFail(i, 'unterminated processing instruction');
      i = close + 2;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close === -1) truncatedOrFail(i, 'unterminated comment');
      i = close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) fail(i, 'CDATA outside the root element');
      const close = text.indexOf(']]>', i + 9);
      if (close === -1) truncatedOrFail(i, 'unterminated CDATA section');
      const raw = text.slice(i + 9, close);
      if (raw.length > limits.maxTextLength) fail(i, `text of ${raw.length} characters exceeds the limit of ${limits.maxTextLength}`);
      yield { type: 'text', text: raw, offset: i, depth: stack.length };
      i = close + 3;
      continue;
    }
    if (text.startsWith('<!', i)) {
      const head = text.slice(i, i + 200);
      if (/^<!ENTITY/i.test(head)) fail(i, 'entity declarations are refused (entity expansion is not supported)');
      if (/^<!DOCTYPE/i.test(head)) {
        const m = /^<!DOCTYPE[ \t\r\n]+nmaprun[ \t\r\n]*>/.exec(head);
        if (!m || doctype || sawRoot) {
          fail(i, 'document type declarations are refused (only the bare <!DOCTYPE nmaprun> nmap writes is accepted)');
        }
        doctype = true;
        i += m![0].length;
        continue;
      }
      fail(i, 'markup declarations are not supported');
    }
    if (text.startsWith('</', i)) {
      NAME.lastIndex = i + 2;
      const m = NAME.exec(text);
      if (!m) fail(i, 'malformed end tag');
      const after = skipSpace(NAME.lastIndex);
      if (after >= n) truncatedOrFail(i, 'unterminated end tag');
      if (text.charCodeAt(after) !== 62) fail(after, 'malformed end tag');
      const name = m![0];
      const top = stack[stack.length - 1];
      if (top !== name) fail(i, top ? `</${name}> does not close <${top}>` : `</${name}> has no start tag`);
      stack.pop();
      yield { type: 'close', name, offset: i, depth: stack.length };
      if (stack.length === 0) rootClosed = true;
      i = after + 1;
      continue;
    }
    // A start tag.
    NAME.lastIndex = i + 1;
    const m = NAME.exec(text);
    if (!m) fail(i, 'malformed tag');
    const name = m![0];
    if (rootClosed) fail(i, `<${name}> after the end of the root element`);
    if (stack.length >= limits.maxDepth) fail(i, `elements nested deeper than ${limits.maxDepth}`);
    let p = NAME.lastIndex;
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    let count = 0;
    let selfClosing = false;
    for (;;) {
      const q0 = skipSpace(p);
      const spaced = q0 > p;
      p = q0;
      if (p >= n) truncatedOrFail(i, `unterminated <${name}> tag`);
      const c = text[p];
      if (c === '>') {
        p += 1;
        break;
      }
      if (c === '/') {
        if (text[p + 1] === undefined) truncatedOrFail(i, `unterminated <${name}> tag`);
        if (text[p + 1] !== '>') fail(p, 'expected "/>"');
        selfClosing = true;
        p += 2;
        break;
      }
      if (!spaced) fail(p, 'attributes must be separated by white space');
      NAME.lastIndex = p;
      const an = NAME.exec(text);
      if (!an) fail(p, 'malformed attribute name');
      const aname = an![0];
      const at = p;
      p = NAME.lastIndex;
      p = skipSpace(p);
      if (text[p] !== '=') {
        if (p >= n) truncatedOrFail(at, `unterminated <${name}> tag`);
        fail(p, `attribute ${aname} has no value`);
      }
      p = skipSpace(p + 1);
      const q = text[p];
      if (q !== '"' && q !== "'") {
        if (p >= n) truncatedOrFail(at, `unterminated <${name}> tag`);
        fail(p, `attribute ${aname}: value must be quoted`);
      }
      const close = text.indexOf(q!, p + 1);
      if (close === -1) truncatedOrFail(at, `unterminated value of attribute ${aname}`);
      const raw = text.slice(p + 1, close);
      if (raw.includes('<')) fail(p + 1 + raw.indexOf('<'), `"<" in the value of attribute ${aname}`);
      if (++count > limits.maxAttributes) fail(at, `more than ${limits.maxAttributes} attributes on <${name}>`);
      if (Object.hasOwn(attrs, aname)) fail(at, `attribute ${aname} repeated`);
      attrs[aname] = decode(raw, p + 1);
      p = close + 1;
    }
    if (stack.length === 0) {
      if (sawRoot) fail(i, 'more than one root element');
      sawRoot = true;
    }
    const depth = stack.length;
    if (!selfClosing) stack.push(name);
    yield { type: 'open', name, attrs, selfClosing, offset: i, depth };
    if (selfClosing) {
      yield { type: 'close', name, offset: i, depth };
      if (stack.length === 0) rootClosed = true;
    }
    i = p;
  }
  if (!sawRoot) fail(n, 'no root element');
  if (stack.length) {
    const { line, column } = lineColumnAt(text, n);
    throw new XmlTruncated(file, line, column, stack);
  }

  /** An unterminated construct at the very end of the file is truncation; report it as such. */
  function truncatedOrFail(offset: number, msg: string): never {
    if (stack.length) {
      const { line, column } = lineColumnAt(text, offset);
      throw new XmlTruncated(file, line, column, stack);
    }
    return fail(offset, msg);
  }
}
