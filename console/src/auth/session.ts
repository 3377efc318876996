/**
 * The signed-in user: a bearer token and what the console shows of its claims. The claims are read
 * only for display (who is signed in, for which partner); the API verifies the token itself.
 */
export interface Session {
  token: string;
  partnerId: string;
  /** The user's name as the token gives it (Cognito's `username`, else `sub`). */
  user: string;
  roles: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

function base64UrlDecode(part: string): string {
  const base64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The session a token stands for, or undefined when it is not a readable, unexpired JWT. */
export function sessionOf(token: string, now = Date.now()): Session | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(base64UrlDecode(payload)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  if (exp <= now) return undefined;
  const groups = claims['cognito:groups'];
  const name = typeof claims.username === 'string' ? claims.username : claims.sub;
  return {
    token,
    partnerId: typeof claims.partner_id === 'string' ? claims.partner_id : '',
    user: typeof name === 'string' ? name : '',
    roles: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    expiresAt: exp,
  };
}

const KEY = 'partner-referrals.token';

/** Local sign-in keeps the token for this tab only. */
export const localTokenStore = {
  read: (): string | undefined => sessionStorage.getItem(KEY) ?? undefined,
  write: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

/**
 * `/?token=<bearer>` (local only): takes the token out of the address bar at once, so it is neither
 * kept in the history nor sent on as a referrer.
 */
export function takeTokenFromUrl(): string | undefined {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return undefined;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return token;
}
