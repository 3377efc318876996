/** What every page needs: the API client, who is signed in, and how to sign out. */
import { createContext, useContext } from 'react';
import type { ApiClient } from '../api/client.js';
import type { Session } from '../auth/session.js';

export interface ConsoleContextValue {
  api: ApiClient;
  session: Session;
  signOut(): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
