/**
 * Starts the console: reads where it runs (/config.json), finds out who is signed in (the local
 * token of this tab, `/?token=` locally, or the Cognito hosted UI's redirect), and renders.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, type AppProps } from './app.js';
import { localTokenStore, type Session, sessionOf, takeTokenFromUrl } from './auth/session.js';
import { type ConsoleConfig, loadConfig } from './config.js';
import './global.css';

async function start(config: ConsoleConfig): Promise<AppProps> {
  if (config.mode === 'cognito') {
    const hosted = await import('./auth/hosted-ui.js');
    const { session, notice } = await hosted.completeSignIn(config);
    return { config, session, ...(notice ? { notice } : {}), signOut: () => void hosted.signOut(config) };
  }
  let notice: string | undefined;
  const fromUrl = takeTokenFromUrl();
  if (fromUrl !== undefined) {
    // A token in the address replaces whoever was signed in here, even when it turns out unusable.
    if (sessionOf(fromUrl)) localTokenStore.write(fromUrl);
    else {
      localTokenStore.clear();
      notice = 'The token in the address is not a valid, unexpired token: sign in below.';
    }
  }
  const stored = localTokenStore.read();
  const session: Session | undefined = stored ? sessionOf(stored) : undefined;
  if (stored && !session) localTokenStore.clear();
  return {
    config,
    session,
    ...(notice ? { notice } : {}),
    signOut: () => localTokenStore.clear(),
  };
}

const root = createRoot(document.getElementById('root')!);
try {
  const props = await start(await loadConfig());
  root.render(
    <StrictMode>
      <App {...props} />
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <p role="alert">
      The console could not start: {error instanceof Error ? error.message : String(error)}. Reload the page
      to try again.
    </p>,
  );
}
