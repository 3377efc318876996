/**
 * Who is using the console. Locally a person picks a partner, a role and a user, and the local
 * runtime mints a token for them (POST /local/sign-in, which only `npm start` serves); deployed,
 * the Cognito hosted UI signs them in.
 */
import {
  Button,
  Card,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Select,
  Text,
  tokens,
} from '@fluentui/react-components';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client.js';
import type { PartnerRole, Problem } from '../api/types.js';
import type { CognitoConfig, ConsoleConfig } from '../config.js';
import { FormProblem, formErrors } from '../shared/form-errors.js';
import { keysOf, roleLabels } from '../shared/labels.js';
import { PageHeading } from '../shared/page.js';
import { localTokenStore, type Session, sessionOf } from './session.js';

const useStyles = makeStyles({
  page: {
    maxWidth: '440px',
    margin: `${tokens.spacingVerticalXXL} auto`,
    padding: `0 ${tokens.spacingHorizontalM}`,
  },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  notice: { marginBottom: tokens.spacingVerticalM },
});

/** A group that is not a referral role: the API answers 403, which is worth seeing locally too. */
const NO_ACCESS = 'partner-user';
type RoleChoice = PartnerRole | typeof NO_ACCESS;

function LocalSignIn({ onSignedIn }: { onSignedIn(session: Session): void }) {
  const [partnerId, setPartnerId] = useState('contoso');
  const [role, setRole] = useState<RoleChoice>('referrals-admin');
  const [user, setUser] = useState('alice');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const errors = formErrors(error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch('/local/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ partnerId: partnerId.trim(), role, user: user.trim() }),
      });
      const body = (await response.json()) as { token?: string } & Partial<Problem>;
      if (!response.ok || typeof body.token !== 'string') {
        throw new ApiError({
          type: body.type ?? 'about:blank',
          title: body.title ?? 'Sign-in failed',
          status: response.status,
          code: body.code ?? 'sign-in-failed',
          ...(body.detail ? { detail: body.detail } : {}),
          ...(body.errors ? { errors: body.errors } : {}),
        });
      }
      const session = sessionOf(body.token);
      if (!session) throw new Error('the local runtime returned an unreadable token');
      localTokenStore.write(body.token);
      onSignedIn(session);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  const styles = useStyles();
  return (
    <form onSubmit={submit} noValidate>
      <Card>
        <div className={styles.form}>
          <Text as="p">
            This is the local runtime: choose who you are. The token is signed with the local key and is never
            accepted by the deployed stack.
          </Text>
          <Field
            label="Partner id"
            hint="Letters a–z, digits and dashes, e.g. contoso"
            required
            {...errors.field('partnerId')}
          >
            <Input value={partnerId} onChange={(_, data) => setPartnerId(data.value)} autoComplete="off" />
          </Field>
          <Field label="Role" required {...errors.field('role')}>
            <Select value={role} onChange={(_, data) => setRole(data.value as RoleChoice)}>
              {keysOf(roleLabels).map((r) => (
                <option key={r} value={r}>
                  {roleLabels[r]}
                </option>
              ))}
              <option value={NO_ACCESS}>Another role (no access to leads)</option>
            </Select>
          </Field>
          <Field label="User" hint="Any name: favorites are kept per user" required {...errors.field('user')}>
            <Input value={user} onChange={(_, data) => setUser(data.value)} autoComplete="username" />
          </Field>
          <FormProblem error={error} claimed={['partnerId', 'role', 'user']} />
          <Button appearance="primary" type="submit" disabled={busy}>
            Sign in
          </Button>
        </div>
      </Card>
    </form>
  );
}

function HostedSignIn({ config }: { config: CognitoConfig }) {
  const [error, setError] = useState<string>();
  return (
    <Card>
      <Text as="p">Sign in with the account your company's administrator created for you.</Text>
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>{error}</MessageBarBody>
        </MessageBar>
      )}
      <Button
        appearance="primary"
        onClick={() =>
          import('./hosted-ui.js')
            .then((hosted) => hosted.signIn(config))
            .catch((caught: unknown) => setError(`Sign-in could not start: ${String(caught)}`))
        }
      >
        Sign in
      </Button>
    </Card>
  );
}

export default function SignInPage({
  config,
  notice,
  onSignedIn,
}: {
  config: ConsoleConfig;
  notice?: string;
  onSignedIn(session: Session): void;
}) {
  const styles = useStyles();
  return (
    <main className={styles.page} id="content">
      <PageHeading title="Sign in to Partner Referrals" />
      {notice && (
        <MessageBar intent="warning" className={styles.notice}>
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      )}
      {config.mode === 'local' ? <LocalSignIn onSignedIn={onSignedIn} /> : <HostedSignIn config={config} />}
    </main>
  );
}
