/**
 * Sign-in on AWS: the Cognito hosted UI with the authorization code flow and PKCE (oidc-client-ts
 * makes the verifier, the S256 challenge and the state, and exchanges the code). Loaded only when
 * the console runs deployed.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { CognitoConfig } from '../config.js';
import { type Session, sessionOf } from './session.js';

let managers = new WeakMap<CognitoConfig, UserManager>();

function manager(config: CognitoConfig): UserManager {
  let found = managers.get(config);
  if (!found) {
    found = new UserManager({
      authority: `https://cognito-idp.${config.region}.amazonaws.com/${config.userPoolId}`,
      client_id: config.clientId,
      redirect_uri: `${window.location.origin}/`,
      response_type: 'code',
      scope: 'openid email',
      // This tab only: a closed tab forgets the tokens.
      userStore: new WebStorageStateStore({ store: window.sessionStorage }),
      // Renewal uses the refresh token at the token endpoint (Cognito has no prompt=none iframe flow).
      automaticSilentRenew: true,
    });
    managers.set(config, found);
  }
  return found;
}

/** The session after the hosted UI sent the browser back (`?code=&state=`), or the one kept in this tab. */
export async function completeSignIn(config: CognitoConfig): Promise<{ session?: Session; notice?: string }> {
  const users = manager(config);
  const url = new URL(window.location.href);
  if (url.searchParams.has('state') && (url.searchParams.has('code') || url.searchParams.has('error'))) {
    try {
      const user = await users.signinRedirectCallback();
      const back = typeof user.state === 'string' && user.state.startsWith('/') ? user.state : '/';
      window.history.replaceState(null, '', back);
      const session = sessionOf(user.access_token);
      return session ? { session } : { notice: 'The sign-in returned no usable token.' };
    } catch (error) {
      window.history.replaceState(null, '', '/');
      return { notice: `Sign-in failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const user = await users.getUser();
  const session = user && !user.expired ? sessionOf(user.access_token) : undefined;
  return session ? { session } : {};
}

/** To the hosted UI; the page asked for comes back as the state. */
export function signIn(config: CognitoConfig): Promise<void> {
  return manager(config).signinRedirect({
    state: `${window.location.pathname}${window.location.search}`,
  });
}

/** Forgets the tokens here, then ends the hosted UI's session (Cognito's logout endpoint). */
export async function signOut(config: CognitoConfig): Promise<void> {
  await manager(config).removeUser();
  managers = new WeakMap();
  const logout = new URL(`${config.authDomain}/logout`);
  logout.searchParams.set('client_id', config.clientId);
  logout.searchParams.set('logout_uri', `${window.location.origin}/`);
  window.location.assign(logout.toString());
}
