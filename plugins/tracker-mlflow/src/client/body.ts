// Reading a response body for an error message. Only MLflow's own JSON error body
// (`error_code`) means the REST API answered; anything else (a web server's 404 page, a
// proxy's login form, FastAPI's {"detail": ...}) comes from something in front of it or
// from a wrong path, and is quoted as one short line: a whole HTML page in a warning hides
// what went wrong.
import { errorBody } from './schemas.js';

/** Longest quote of a body that is not MLflow's error JSON. */
const EXCERPT_CHARS = 120;

/** MLflow's error JSON (`{"error_code": ..., "message": ...}`), or null when the body is something else. */
export function mlflowErrorBody(text: string): { errorCode: string; message: string } | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = errorBody.safeParse(json);
  if (!parsed.success || typeof parsed.data.error_code !== 'string' || parsed.data.error_code === '') return null;
  return { errorCode: parsed.data.error_code, message: (parsed.data.message ?? '').split('\n')[0]!.slice(0, 500) };
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#39|nbsp);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", nbsp: ' ' })[e]!);
}

/**
 * A one-line description of a body that is not MLflow's: `an HTML page "404 Not Found"`
 * (its title, else its text), or the body's first characters ('' for an empty body).
 */
export function bodyExcerpt(text: string, contentType: string | null): string {
  const html = /html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)\b/i.test(text);
  let line = text;
  if (html) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    line = decodeEntities((title ?? text.replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, ' ')).replace(/<[^>]*>/g, ' '));
  }
  line = line.replace(/\s+/g, ' ').trim();
  if (line.length > EXCERPT_CHARS) line = `${line.slice(0, EXCERPT_CHARS - 1)}…`;
  if (html) return line ? `an HTML page "${line}"` : 'an HTML page';
  return line;
}
