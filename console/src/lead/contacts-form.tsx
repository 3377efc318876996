/** Add partner contacts to an accepted lead. */
import { useState } from 'react';
import type { ContactsRequest } from '../api/types.js';
import { ActionForm } from '../shared/action-form.js';
import { type ContactInput, ContactsEditor, contactOf, emptyContact } from '../shared/contacts-editor.js';
import { type LeadFormProps, useLeadAction } from './use-lead-action.js';

export function ContactsForm(props: LeadFormProps) {
  const [contacts, setContacts] = useState<ContactInput[]>([emptyContact()]);
  const action = useLeadAction(props, (api, id, body: ContactsRequest, version) =>
    api.addContacts(id, body, version),
  );
  return (
    <ActionForm
      title="Add contacts"
      submitLabel="Add contacts"
      onSubmit={() => action.send({ contacts: contacts.map(contactOf) })}
      claimed={['contacts']}
      {...action.form}
    >
      <ContactsEditor
        title="Contacts from your company who work this lead"
        label="Contact"
        path="contacts"
        contacts={contacts}
        onChange={setContacts}
        errors={action.errors}
        min={1}
      />
    </ActionForm>
  );
}
