/**
 * The business profile (GET/PUT /v1/profile): keywords, company sizes and industries that steer
 * which referrals come, and each location's contacts who receive lead alerts and reminders. A
 * contact's confirmation status shows once the API reports one.
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
import type { CompanySize, Profile, ProfileRequest } from '../api/types.js';
import { ActionForm } from '../shared/action-form.js';
import { useConsole } from '../shared/console-context.js';
import { type ContactInput, ContactsEditor, emptyContact } from '../shared/contacts-editor.js';
import { type FormErrors, formErrors } from '../shared/form-errors.js';
import { companySizeLabels, keysOf } from '../shared/labels.js';
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
  status: { alignSelf: 'center' },
});

/** A saved contact's confirmation status, when the API reports one (it does not yet everywhere). */
function statusOf(contact: object): string | undefined {
  return 'status' in contact && typeof contact.status === 'string' ? contact.status : undefined;
}

const listOf = (text: string) =>
  text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);

const statusColor = (status: string) =>
  status === 'confirmed' ? 'success' : status === 'suppressed' ? 'danger' : 'warning';

function ProfileForm({ profile }: { profile: Profile }) {
  const styles = useStyles();
  const { api } = useConsole();
  const client = useQueryClient();
  const {
    partnerId: _p,
    version,
    updatedAt: _u,
    keywords,
    companySizes,
    industries,
    locations,
    ...other
  } = profile;
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

  // Statuses by email, as last saved; a column only when the API reports any.
  const statuses = new Map(
    locations.flatMap((l) =>
      l.contacts.flatMap((c) => {
        const status = statusOf(c);
        return status ? [[c.email.toLowerCase(), status] as const] : [];
      }),
    ),
  );
  const statusBadge = (contact: ContactInput | undefined) => {
    if (statuses.size === 0 || !contact) return null;
    const status = statuses.get(contact.email.trim().toLowerCase());
    return (
      <Badge className={styles.status} appearance="tint" color={status ? statusColor(status) : 'informative'}>
        {status ?? 'not saved yet'}
      </Badge>
    );
  };

  const setPlace = (index: number, change: Partial<LocationInput>) =>
    setPlaces(places.map((p, i) => (i === index ? { ...p, ...change } : p)));

  function submit() {
    setSaved(false);
    save.mutate({
      // Fields this page does not edit go back as they came.
      ...other,
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
      claimed={['keywords', 'industries', 'companySizes', 'locations']}
    >
      {saved && (
        <MessageBar intent="success">
          <MessageBarBody>Profile saved.</MessageBarBody>
        </MessageBar>
      )}
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
        Each location's contacts receive an email when a lead arrives and a reminder before it expires.
      </Text>
      {places.map((place, index) => (
        <LocationFields
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
          key={index}
          index={index}
          place={place}
          errors={errors}
          onChange={(change) => setPlace(index, change)}
          onRemove={() => setPlaces(places.filter((_, i) => i !== index))}
          statusOf={statuses.size > 0 ? (i) => statusBadge(place.contacts[i]) : undefined}
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
  statusOf: ((contactIndex: number) => ReactNode) | undefined;
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
        {...(status ? { extra: status } : {})}
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
