/**
 * Stack traces of a minified bundle mapped back to our sources, for functions that do not load
 * their source map at start (HTTP functions: that cost every cold start about 17 ms, and they
 * rarely log an error). The map beside the bundle is read at the first trace that needs it.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

const maps = new Map<string, SourceMap | undefined>();

/** The linked map esbuild writes beside a bundle (`index.mjs.map`), once per bundle; none if unreadable. */
function mapOf(url: string): SourceMap | undefined {
  if (!maps.has(url)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
    } catch {
      // Unbundled code (tests, the local runtime) has no map: its frames already name our sources.
      map = undefined;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}

const FRAME = /(file:\/\/[^\s()]+?):(\d+):(\d+)/g;

/** The stack with every frame that a source map covers pointing at the original file, line and column. */
export function mappedStack(stack: string): string {
  return stack.replace(FRAME, (frame, url: string, line: string, column: string) => {
    const origin = mapOf(url)?.findOrigin(Number(line), Number(column));
    return origin && 'fileName' in origin
      ? `${origin.fileName}:${origin.lineNumber}:${origin.columnNumber}`
      : frame;
  });
}
