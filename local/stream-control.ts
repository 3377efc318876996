/**
 * `/local/stream` on the local API's port: pauses and resumes the local stream poller, as
 * disabling and enabling the event-source mappings would on AWS (the changes wait in the stream,
 * then every consumer catches up). `GET` answers `{ "paused": false }`, `PUT` pauses (once no read
 * is in flight), `DELETE` resumes. Only the local runtime serves it; the bench uses it to write its
 * fan-out input before the consumers see any of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem, problemResponse, problems, toProblem } from '../functions/http/problem.js';
import type { StreamPoller } from './stream-poller.js';

export const STREAM_CONTROL_PATH = '/local/stream';
const ALLOWED = ['GET', 'PUT', 'DELETE'];
// The API answers while the stream consumers are still starting (they start side by side).
const starting = () =>
  new HttpProblem(
    503,
    'stream-poller-starting',
    'Service unavailable',
    'The local stream poller is still starting; try again in a moment.',
    undefined,
    { 'retry-after': '1' },
  );

/** Answers `/local/stream`; returns false for any other path. `poller` is undefined until it runs. */
export async function streamControl(
  poller: () => Pick<StreamPoller, 'pause' | 'resume' | 'paused'> | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (url.pathname !== STREAM_CONTROL_PATH) return false;
  const method = request.method ?? 'GET';
  const running = poller();
  if (!ALLOWED.includes(method) || !running) {
    const problem = running ? problems.methodNotAllowed(ALLOWED) : starting();
    const result = problemResponse(toProblem(problem), problem.headers);
    response.writeHead(result.statusCode, { ...result.headers, 'cache-control': 'no-store' });
    response.end(result.body);
    return true;
  }
  if (method === 'PUT') await running.pause();
  if (method === 'DELETE') running.resume();
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify({ paused: running.paused }));
  return true;
}
