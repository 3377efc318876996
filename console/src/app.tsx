/**
 * The console: Fluent UI's provider, the signed-in shell (header, navigation, pages), or the sign-in
 * page when nobody is signed in. Pages other than the leads list load on demand.
 */
import {
  Button,
  FluentProvider,
  Link,
  makeStyles,
  Spinner,
  Text,
  tokens,
  webLightTheme,
} from '@fluentui/react-components';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useMemo, useRef, useState } from 'react';
import { Route, Link as RouterLink, Switch, useLocation } from 'wouter';
import { ApiError, createApiClient } from './api/client.js';
import type { Session } from './auth/session.js';
import type { ConsoleConfig } from './config.js';
import { LeadsPage } from './leads/leads-page.js';
import { ConsoleContext, type ConsoleContextValue, useConsole } from './shared/console-context.js';
import { PageHeading } from './shared/page.js';

const LeadPage = lazy(() => import('./lead/lead-page.js'));
const ProfilePage = lazy(() => import('./profile/profile-page.js'));
const InsightsPage = lazy(() => import('./insights/insights-page.js'));
const WebhooksPage = lazy(() => import('./webhooks/webhooks-page.js'));
const WebhookPage = lazy(() => import('./webhooks/webhook-page.js'));
const SignInPage = lazy(() => import('./auth/sign-in-page.js'));

/** The navigation: one entry per page of SPEC §10. */
const navItems: Array<{ href: string; label: string; current: (path: string) => boolean }> = [
  { href: '/', label: 'Leads', current: (path) => path === '/' || path.startsWith('/leads') },
  { href: '/insights', label: 'Insights', current: (path) => path.startsWith('/insights') },
  { href: '/webhooks', label: 'Webhooks', current: (path) => path.startsWith('/webhooks') },
  { href: '/profile', label: 'Profile', current: (path) => path.startsWith('/profile') },
];

const useStyles = makeStyles({
  skip: {
    position: 'absolute',
    left: '-10000px',
    ':focus': { left: tokens.spacingHorizontalM, top: tokens.spacingVerticalS, zIndex: 1 },
  },
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalXL,
    rowGap: tokens.spacingVerticalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  brand: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  nav: { flexGrow: 1 },
  navList: { display: 'flex', gap: tokens.spacingHorizontalL, listStyleType: 'none', margin: 0, padding: 0 },
  navLink: {
    color: tokens.colorNeutralForegroundOnBrand,
    textDecorationLine: 'none',
    paddingBottom: '2px',
    borderBottom: '2px solid transparent',
    ':hover': { color: tokens.colorNeutralForegroundOnBrand, textDecorationLine: 'underline' },
    ':focus-visible': { outline: `2px solid ${tokens.colorNeutralForegroundOnBrand}`, outlineOffset: '2px' },
  },
  navCurrent: {
    borderBottomColor: tokens.colorNeutralForegroundOnBrand,
    fontWeight: tokens.fontWeightSemibold,
  },
  user: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  signOut: { border: `1px solid ${tokens.colorNeutralForegroundOnBrand}` },
  main: {
    maxWidth: '1100px',
    margin: '0 auto',
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalL}`,
    '@media (max-width: 480px)': { padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalS}` },
  },
});

function Shell() {
  const styles = useStyles();
  const [path] = useLocation();
  const { session, signOut } = useConsole();
  return (
    <>
      <a className={styles.skip} href="#content">
        Skip to content
      </a>
      <header className={styles.header}>
        <span className={styles.brand}>Partner Referrals</span>
        <nav className={styles.nav} aria-label="Console">
          <ul className={styles.navList}>
            {navItems.map((item) => {
              const current = item.current(path);
              return (
                <li key={item.href}>
                  <RouterLink
                    href={item.href}
                    className={current ? `${styles.navLink} ${styles.navCurrent}` : styles.navLink}
                    aria-current={current ? 'page' : undefined}
                  >
                    {item.label}
                  </RouterLink>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className={styles.user}>
          <Text>
            {session.user} · {session.partnerId || 'no partner'}
          </Text>
          <Button appearance="primary" size="small" className={styles.signOut} onClick={signOut}>
            Sign out
          </Button>
        </div>
      </header>
      <main id="content" className={styles.main}>
        <Suspense fallback={<Spinner label="Loading…" />}>
          <Switch>
            <Route path="/" component={LeadsPage} />
            <Route path="/leads/:id">{(params) => <LeadPage id={params.id} />}</Route>
            <Route path="/insights" component={InsightsPage} />
            <Route path="/webhooks" component={WebhooksPage} />
            <Route path="/webhooks/:id">{(params) => <WebhookPage id={params.id} />}</Route>
            <Route path="/profile" component={ProfilePage} />
            <Route>
              <PageHeading title="Page not found" />
              <Text as="p">
                There is no page at this address. <Link href="/">Go to the leads</Link>.
              </Text>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}

export interface AppProps {
  config: ConsoleConfig;
  session: Session | undefined;
  /** Why the user is asked to sign in (an expired or refused token), if there is a reason. */
  notice?: string;
  signOut(session: Session): void;
}

export function App(props: AppProps) {
  const [session, setSession] = useState(props.session);
  const [notice, setNotice] = useState(props.notice);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const queryClient = useMemo(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // A 4xx will answer the same again; only network failures and 5xx are worth a retry.
            retry: (count, error) =>
              !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
            refetchOnWindowFocus: false,
          },
        },
      }),
    [],
  );
  const { config, signOut: endSession } = props;
  const signOut = useCallback(() => {
    const current = sessionRef.current;
    queryClient.clear();
    setSession(undefined);
    setNotice(undefined);
    if (current) endSession(current);
  }, [queryClient, endSession]);
  const api = useMemo(
    () =>
      createApiClient({
        baseUrl: config.mode === 'cognito' ? config.apiUrl : '',
        token: () => sessionRef.current?.token,
        onUnauthorized: () => {
          queryClient.clear();
          setSession(undefined);
          setNotice('Your session has expired or was refused: sign in again.');
        },
      }),
    [config, queryClient],
  );
  const contextValue = useMemo<ConsoleContextValue | undefined>(
    () => (session ? { api, session, signOut } : undefined),
    [api, session, signOut],
  );

  return (
    <FluentProvider theme={webLightTheme}>
      {contextValue ? (
        <ConsoleContext.Provider value={contextValue}>
          <QueryClientProvider client={queryClient}>
            <Shell />
          </QueryClientProvider>
        </ConsoleContext.Provider>
      ) : (
        <Suspense fallback={<Spinner label="Loading…" />}>
          <SignInPage
            config={config}
            {...(notice ? { notice } : {})}
            onSignedIn={(signedIn) => {
              setNotice(undefined);
              setSession(signedIn);
            }}
          />
        </Suspense>
      )}
    </FluentProvider>
  );
}
