/**
 * What the console needs to know about where it runs, read at start from `/config.json`: the local
 * runtime answers `{ "mode": "local" }` (same-origin API, sign-in by picking a partner); the
 * deployed stack uploads the API URL and the Cognito hosted UI's coordinates.
 */
export interface LocalConfig {
  mode: 'local';
}
export interface CognitoConfig {
  mode: 'cognito';
  /** The HTTP API's base URL, without a trailing slash. */
  apiUrl: string;
  region: string;
  userPoolId: string;
  clientId: string;
  /** The hosted UI's base URL, e.g. https://prefix.auth.eu-west-1.amazoncognito.com */
  authDomain: string;
}
export type ConsoleConfig = LocalConfig | CognitoConfig;

function isCognito(value: Record<string, unknown>): value is Record<string, unknown> & CognitoConfig {
  return ['apiUrl', 'region', 'userPoolId', 'clientId', 'authDomain'].every(
    (key) => typeof value[key] === 'string' && value[key] !== '',
  );
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const value: unknown = await response.json();
  if (typeof value !== 'object' || value === null) throw new Error('/config.json is not an object');
  const config = value as Record<string, unknown>;
  if (config.mode === 'local') return { mode: 'local' };
  if (config.mode === 'cognito' && isCognito(config)) {
    return {
      mode: 'cognito',
      apiUrl: config.apiUrl.replace(/\/+$/, ''),
      region: config.region,
      userPoolId: config.userPoolId,
      clientId: config.clientId,
      authDomain: config.authDomain.replace(/\/+$/, ''),
    };
  }
  throw new Error('/config.json names no known mode');
}
