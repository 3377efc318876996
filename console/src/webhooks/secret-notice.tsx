/**
 * A signing secret, shown the one time the API shows it (on creation and rotation): in a read-only
 * field to select or copy, with a warning that it cannot be shown again.
 */
import {
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { CopyRegular } from '@fluentui/react-icons';
import { useEffect, useRef, useState } from 'react';

const useStyles = makeStyles({
  secret: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: tokens.spacingHorizontalS },
  field: { flex: '1 1 320px', minWidth: 0 },
  input: { fontFamily: tokens.fontFamilyMonospace },
});

export function SecretNotice({ secret, rotated }: { secret: string; rotated: boolean }) {
  const styles = useStyles();
  const ref = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  return (
    <MessageBar intent="warning" layout="multiline">
      <MessageBarBody>
        <MessageBarTitle>Keep this signing secret now: it is not shown again</MessageBarTitle>
        {rotated
          ? 'The previous secret keeps signing for 24 hours (both signatures are sent), so switch your receiver to this one within a day.'
          : 'Your receiver verifies each event with it (the standardwebhooks libraries do).'}
        <div className={styles.secret}>
          <Field label="Signing secret" className={styles.field}>
            <Input ref={ref} readOnly value={secret} input={{ className: styles.input }} />
          </Field>
          <Button
            icon={<CopyRegular />}
            onClick={() =>
              void navigator.clipboard?.writeText(secret).then(
                () => setCopied(true),
                () => ref.current?.select(),
              )
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        </div>
      </MessageBarBody>
    </MessageBar>
  );
}
