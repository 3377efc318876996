/**
 * The business profile (GET/PUT /v1/profile): the company name, description and listing that
 * partner search shows, the keywords, company sizes and industries that steer which referrals come,
 * and each location's contacts, who receive lead alerts and reminders once they confirm their address.
 */
import {
  Badge,
  Button,
  Checkbox,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  Text,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, DeleteRegular } from '@fluentui/react-icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { keys } from '../api/queries.js';
import type { CompanySize, ContactStatus, Profile, ProfileRequest } from '../api/types.js';
import { ActionForm } from '../shared/action-form.js';
import { useConsole } from '../shared/console-context.js';
import { type ContactInput, ContactsEditor, emptyContact } from '../shared/contacts-editor.js';
import { type FormErrors, formErrors } from '../shared/form-errors.js';
import { companySizeLabels, contactStatusLabels, keysOf } from '../shared/labels.js';
import { PageHeading } from '../shared/page.js';

const sizes = keysOf(companySizeLabels);

interface LocationInput {
  name: string;
  country: string;
  city: string;
  contacts: ContactInput[];
}

const useStyles = makeStyles({
  intro: { display: 'block', marginBottom: tokens.spacingVerticalM },
  group: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    margin: 0,
    padding: 0,
    border: 'none',
    minWidth: 0,
  },
  groupTitle: { padding: 0, fontWeight: tokens.fontWeightSemibold },
  sizes: { display: 'flex', flexWrap: 'wrap', columnGap: tokens.spacingHorizontalL },
  location: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    margin: 0,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    '@media (max-width: 480px)': { padding: tokens.spacingHorizontalS },
  },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: `0 ${tokens.spacingHorizontalXS}` },
  place: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 2fr) minmax(0, 1fr) minmax(0, 2fr)',
    alignItems: 'start',
    gap: tokens.spacingHorizontalM,
    '@media (max-width: 600px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  status: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    gap: tokens.spacingVerticalXXS,
    paddingTop: tokens.spacingVerticalXXS,
  },
});

const listOf = (text: string) =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

const statusColor = (status: ContactStatus | undefined) =>
  status === 'confirmed'
    ? 'success'
    : status === 'suppressed'
      ? 'danger'
      : status === 'pending'
        ? 'warning'
        : 'informative';

/** One line, as the API takes it: a pasted line break becomes a space. */
const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ');

function ProfileForm({ profile }: { profile: Profile }) {
  const styles = useStyles();
  const { api } = useConsole();
  const client = useQueryClient();
  const { version, keywords, companySizes, industries, locations } = profile;
  const [companyName, setCompanyName] = useState(profile.companyName ?? '');
  const [description, setDescription] = useState(profile.description ?? '');
  const [listed, setListed] = useState(profile.listed);
  const [keywordText, setKeywordText] = useState(keywords.join(', '));
  const [industryText, setIndustryText] = useState(industries.join(', '));
  const [chosenSizes, setChosenSizes] = useState<CompanySize[]>(companySizes);
  const [places, setPlaces] = useState<LocationInput[]>(
    locations.map((l) => ({
      name: l.name,
      country: l.country,
      city: l.city ?? '',
      contacts: l.contacts.map((c) => ({ name: c.name, email: c.email, phone: '' })),
    })),
  );
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: (body: ProfileRequest) => api.putProfile(body, version),
    onSuccess: (next) => {
      client.setQueryData(keys.profile, next);
      setSaved(true);
    },
  });
  const errors = formErrors(save.error);

  // Statuses by address, as last saved: an address typed since has none until it is saved.
  const statuses = new Map(
    locations.flatMap((l) => l.contacts.map((c) => [c.email.trim().toLowerCase(), c.status] as const)),
  );
  const pending = [...statuses.values()].filter((status) => status === 'pending').length;
  const statusBadge = (contact: ContactInput | undefined) => {
    if (!contact) return null;
    const status = statuses.get(contact.email.trim().toLowerCase());
    return (
      <div className={styles.status}>
        <Text size={200}>Address status</Text>
        <Badge appearance="tint" color={statusColor(status)}>
          {status ? contactStatusLabels[status] : 'Not saved yet'}
        </Badge>
      </div>
    );
  };

  const setPlace = (index: number, change: Partial<LocationInput>) =>
    setPlaces(places.map((p, i) => (i === index ? { ...p, ...change } : p)));

  function submit() {
    setSaved(false);
    const name = companyName.trim();
    const about = description.trim();
    save.mutate({
      ...(name ? { companyName: name } : {}),
      ...(about ? { description: about } : {}),
      listed,
      keywords: listOf(keywordText),
      industries: listOf(industryText),
      companySizes: chosenSizes,
      locations: places.map((p) => ({
        name: p.name.trim(),
        country: p.country.trim().toUpperCase(),
        ...(p.city.trim() ? { city: p.city.trim() } : {}),
        contacts: p.contacts.map((c) => ({ name: c.name.trim(), email: c.email.trim() })),
      })),
    });
  }

  return (
    <ActionForm
      title="Business profile"
      level={2}
      autoFocus={false}
      submitLabel="Save profile"
      onSubmit={submit}
      pending={save.isPending}
      error={save.error}
      claimed={[
        'companyName',
        'description',
        'listed',
        'keywords',
        'industries',
        'companySizes',
        'locations',
      ]}
    >
      {saved && (
        <MessageBar intent="success">
          <MessageBarBody>Profile saved.</MessageBarBody>
        </MessageBar>
      )}
      <Field
        label="Company name"
        hint="Shown in partner search; without it you are not listed."
        {...errors.field('companyName')}
      >
        <Input value={companyName} onChange={(_, d) => setCompanyName(oneLine(d.value))} maxLength={200} />
      </Field>
      <Field
        label="Description"
        hint="One or two sentences shown in partner search (at most 500 characters)."
        {...errors.field('description')}
      >
        <Textarea
          value={description}
          onChange={(_, d) => setDescription(oneLine(d.value))}
          maxLength={500}
          resize="vertical"
        />
      </Field>
      <Field {...errors.field('listed')}>
        <Checkbox
          label="List us in partner search"
          checked={listed}
          onChange={(_, d) => setListed(d.checked === true)}
        />
      </Field>
      <Field
        label="Keywords"
        hint="Separated by commas: the expertise you want referrals for. Case, accents and extra spaces do not matter."
        {...errors.field('keywords', { prefix: true })}
      >
        <Textarea value={keywordText} onChange={(_, d) => setKeywordText(d.value)} resize="vertical" />
      </Field>
      <fieldset className={styles.group}>
        <legend className={styles.groupTitle}>Company sizes you serve</legend>
        <Text size={200}>Leave all unchecked to receive leads from companies of every size.</Text>
        <div className={styles.sizes}>
          {sizes.map((size) => (
            <Checkbox
              key={size}
              label={companySizeLabels[size]}
              checked={chosenSizes.includes(size)}
              onChange={(_, d) =>
                setChosenSizes(
                  d.checked
                    ? sizes.filter((s) => s === size || chosenSizes.includes(s))
                    : chosenSizes.filter((s) => s !== size),
                )
              }
            />
          ))}
        </div>
        {errors.has('companySizes') && (
          <Text>{errors.field('companySizes', { prefix: true }).validationMessage}</Text>
        )}
      </fieldset>
      <Field label="Industries" hint="Separated by commas" {...errors.field('industries', { prefix: true })}>
        <Input value={industryText} onChange={(_, d) => setIndustryText(d.value)} />
      </Field>
      <Text weight="semibold">Locations and their contacts</Text>
      <Text size={200}>
        Each location's contacts receive an email when a lead arrives and a reminder before it expires, once
        they have confirmed their address through the link emailed to them when the profile is saved.
      </Text>
      {pending > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {pending === 1 ? 'One address has' : `${pending} addresses have`} not confirmed yet and receive no
            alerts. Saving the profile sends a pending address a new link, at most once a day.
          </MessageBarBody>
        </MessageBar>
      )}
      {places.map((place, index) => (
        <LocationFields
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          key={index}
          index={index}
          place={place}
          errors={errors}
          onChange={(change) => setPlace(index, change)}
          onRemove={() => setPlaces(places.filter((_, i) => i !== index))}
          statusOf={(i) => statusBadge(place.contacts[i])}
        />
      ))}
      <div>
        <Button
          icon={<AddRegular />}
          onClick={() =>
            setPlaces([...places, { name: '', country: '', city: '', contacts: [emptyContact()] }])
          }
        >
          Add a location
        </Button>
      </div>
    </ActionForm>
  );
}

function LocationFields({
  index,
  place,
  errors,
  onChange,
  onRemove,
  statusOf: status,
}: {
  index: number;
  place: LocationInput;
  errors: FormErrors;
  onChange(change: Partial<LocationInput>): void;
  onRemove(): void;
  statusOf: (contactIndex: number) => ReactNode;
}) {
  const styles = useStyles();
  const path = `locations.${index}`;
  const label = `Location ${index + 1}`;
  return (
    <fieldset className={styles.location}>
      <legend className={styles.legend}>
        {place.name.trim() ? `${label}: ${place.name.trim()}` : label}
      </legend>
      <div className={styles.place}>
        <Field label="Name" required {...errors.field(`${path}.name`)}>
          <Input value={place.name} onChange={(_, d) => onChange({ name: d.value })} />
        </Field>
        <Field label="Country" required hint="Two-letter code, e.g. IT" {...errors.field(`${path}.country`)}>
          <Input
            value={place.country}
            maxLength={2}
            onChange={(_, d) => onChange({ country: d.value.toUpperCase() })}
          />
        </Field>
        <Field label="City" {...errors.field(`${path}.city`)}>
          <Input value={place.city} onChange={(_, d) => onChange({ city: d.value })} />
        </Field>
      </div>
      <ContactsEditor
        title={`Contacts of ${label.toLowerCase()}`}
        label="Contact"
        path={`${path}.contacts`}
        contacts={place.contacts}
        onChange={(contacts) => onChange({ contacts })}
        errors={errors}
        withPhone={false}
        min={1}
        extra={status}
      />
      <div>
        <Button icon={<DeleteRegular />} onClick={onRemove}>
          Remove {label.toLowerCase()}
        </Button>
      </div>
    </fieldset>
  );
}

export default function ProfilePage() {
  const styles = useStyles();
  const { api, session } = useConsole();
  const profile = useQuery({ queryKey: keys.profile, queryFn: () => api.getProfile() });
  return (
    <>
      <PageHeading title="Profile" />
      <Text className={styles.intro}>
        What {session.partnerId} does and where: it steers which referrals you receive and who hears about
        them.
      </Text>
      {profile.isPending && <Spinner label="Loading the profile…" />}
      {profile.isError && (
        <MessageBar intent="error">
          <MessageBarBody>The profile could not be loaded: {profile.error.message}</MessageBarBody>
        </MessageBar>
      )}
      {profile.data && <ProfileForm profile={profile.data} />}
    </>
  );
}
