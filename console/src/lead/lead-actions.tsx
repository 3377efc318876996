/**
 * The actions a lead's stage allows, and nothing else: Accept or Decline while received; Edit, Add
 * contacts, Won or Lost while accepted; none once archived (read-only). Each opens its form below.
 */
import { Button, makeStyles, Text, tokens } from '@fluentui/react-components';
import {
  CheckmarkRegular,
  DismissRegular,
  EditRegular,
  PersonAddRegular,
  ThumbDislikeRegular,
  TrophyRegular,
} from '@fluentui/react-icons';
import { type ReactElement, useId, useState } from 'react';
import type { PartnerLead, Stage } from '../api/types.js';
import { AcceptForm } from './accept-form.js';
import { CloseForm } from './close-form.js';
import { ContactsForm } from './contacts-form.js';
import { DeclineForm } from './decline-form.js';
import { EditForm } from './edit-form.js';

type Action = 'accept' | 'decline' | 'edit' | 'contacts' | 'won' | 'lost';

const actionsOf: Record<Exclude<Stage, 'archived'>, Action[]> = {
  received: ['accept', 'decline'],
  accepted: ['edit', 'contacts', 'won', 'lost'],
};

const buttons: Record<Action, { label: string; icon: ReactElement; done: string }> = {
  accept: { label: 'Accept', icon: <CheckmarkRegular />, done: 'Lead accepted.' },
  decline: {
    label: 'Decline',
    icon: <DismissRegular />,
    done: 'Lead declined: the customer will be told to choose another partner.',
  },
  edit: { label: 'Edit', icon: <EditRegular />, done: 'Deal updated.' },
  contacts: { label: 'Add contacts', icon: <PersonAddRegular />, done: 'Contacts added.' },
  won: { label: 'Won', icon: <TrophyRegular />, done: 'Marked as won: the lead is archived.' },
  lost: { label: 'Lost', icon: <ThumbDislikeRegular />, done: 'Marked as lost: the lead is archived.' },
};

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: tokens.spacingHorizontalS,
    marginBottom: tokens.spacingVerticalM,
  },
});

export function LeadActions({ lead, onDone }: { lead: PartnerLead; onDone(message: string): void }) {
  const styles = useStyles();
  const formId = useId();
  const [open, setOpen] = useState<Action>();
  if (lead.stage === 'archived') {
    return <Text as="p">This lead is archived and read-only.</Text>;
  }
  const close = () => setOpen(undefined);
  const done = (action: Action) => () => {
    setOpen(undefined);
    onDone(buttons[action].done);
  };
  const props = (action: Action) => ({ lead, onDone: done(action), onCancel: close });
  return (
    <>
      <div className={styles.bar}>
        {actionsOf[lead.stage].map((action) => (
          <Button
            key={action}
            icon={buttons[action].icon}
            appearance={action === 'accept' || action === 'edit' ? 'primary' : 'secondary'}
            aria-expanded={open === action}
            aria-controls={open === action ? formId : undefined}
            onClick={() => setOpen(open === action ? undefined : action)}
          >
            {buttons[action].label}
          </Button>
        ))}
      </div>
      <div id={formId}>
        {open === 'accept' && <AcceptForm {...props('accept')} />}
        {open === 'decline' && <DeclineForm {...props('decline')} />}
        {open === 'edit' && <EditForm {...props('edit')} />}
        {open === 'contacts' && <ContactsForm {...props('contacts')} />}
        {(open === 'won' || open === 'lost') && <CloseForm key={open} outcome={open} {...props(open)} />}
      </div>
    </>
  );
}
