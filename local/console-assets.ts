/**
 * The partner console on the local runtime: the built single-page app (console/dist) served from
 * the API's own origin, so the console calls the API with no CORS at all. Static files with their
 * content types, `/config.json` saying the console runs locally, and index.html for any other GET
 * that asks for a page; nothing under the API's paths is ever answered here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy, otherSecurityHeaders } from '../console/security-headers.js';

const root = process.cwd();
export const consoleDist = join(root, 'console', 'dist');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Paths the API owns: never a file, never the app's index.html. */
export const isApiPath = (path: string) =>
  path === '/v1' || path.startsWith('/v1/') || path === '/openapi.json' || path.startsWith('/local/');

/**
 * Builds the console when console/dist is missing (npm's prepare step normally has). The build goes
 * to a folder of its own and is renamed into place, so runtimes starting together never serve a
 * half-written build. A failed build leaves the API running without the console (false).
 */
export function ensureConsoleBuilt(log: (line: string) => void): boolean {
  if (existsSync(join(consoleDist, 'index.html'))) return true;
  log('Console: console/dist is missing, building it now (npm run build:console, about 30 s)…');
  const tmp = `${consoleDist}.${process.pid}.tmp`;
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'error'],
    {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'production', CONSOLE_OUT_DIR: tmp },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (result.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    log('Console: the build failed (see above); the API runs without the console.');
    return false;
  }
  try {
    renameSync(tmp, consoleDist);
  } catch {
    // Another runtime finished first: keep its build.
    rmSync(tmp, { recursive: true, force: true });
  }
  log('Console: built.');
  return true;
}

function headersFor(file: string): Record<string, string> {
  const type = contentTypes[extname(file)] ?? 'application/octet-stream';
  const hashed = file.startsWith(join(consoleDist, 'assets') + sep);
  return {
    'content-type': type,
    // Hashed asset names change with their content; everything else is checked on every load.
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(type.startsWith('text/html')
      ? {
          'content-security-policy': contentSecurityPolicy({ connect: [], https: false }),
          ...otherSecurityHeaders,
        }
      : { 'x-content-type-options': 'nosniff' }),
  };
}

/** The file under console/dist a URL path names, if there is one (no way out of the folder). */
function fileFor(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = normalize(join(consoleDist, decoded));
  if (!file.startsWith(consoleDist + sep)) return undefined;
  try {
    return statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** A browser asking for a page names text/html; an API client (curl, fetch: any type) gets the API's 404. */
const acceptsHtml = (request: IncomingMessage) => /\btext\/html\b/.test(request.headers.accept ?? '');

/**
 * Answers a request the API's routes did not match, if it is the console's: a GET or HEAD for a
 * built file, `/config.json`, or (asking for HTML) any other page path. Returns false otherwise.
 */
export function serveConsole(request: IncomingMessage, response: ServerResponse, url: URL): boolean {
  const method = request.method ?? 'GET';
  if ((method !== 'GET' && method !== 'HEAD') || isApiPath(url.pathname)) return false;
  let file: string | undefined;
  let body: Buffer | string;
  let headers: Record<string, string>;
  if (url.pathname === '/config.json') {
    body = JSON.stringify({ mode: 'local' });
    headers = { 'content-type': 'application/json', 'cache-control': 'no-cache' };
  } else {
    file = fileFor(url.pathname);
    // Any other page of the app (/leads/01J…, /profile) is index.html, for a browser asking for a page;
    // the root is the console's whatever the client accepts (`curl localhost:3000/` shows the page).
    if (!file && url.pathname !== '/' && (extname(url.pathname) !== '' || !acceptsHtml(request)))
      return false;
    file ??= join(consoleDist, 'index.html');
    if (!existsSync(file)) {
      body = 'The console is not built: run npm run build:console, then reload.';
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(method === 'HEAD' ? undefined : body);
      return true;
    }
    body = readFileSync(file);
    headers = headersFor(file);
  }
  response.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  response.end(method === 'HEAD' ? undefined : body);
  return true;
}
