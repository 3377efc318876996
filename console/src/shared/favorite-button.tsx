/** The heart on a lead: a toggle button named "Favorite", pressed when the lead is one of this user's favorites. */
import { ToggleButton, Tooltip } from '@fluentui/react-components';
import { HeartFilled, HeartRegular } from '@fluentui/react-icons';
import { useFavorite } from '../api/queries.js';
import type { PartnerLead } from '../api/types.js';

export function FavoriteButton({ lead }: { lead: PartnerLead }) {
  const favorite = useFavorite(lead);
  return (
    <Tooltip
      content={lead.favorite ? 'In your favorites: select to remove' : 'Add to your favorites'}
      relationship="description"
    >
      <ToggleButton
        appearance="transparent"
        aria-label="Favorite"
        checked={lead.favorite}
        icon={lead.favorite ? <HeartFilled color="#c50f1f" /> : <HeartRegular />}
        onClick={() => favorite.mutate(!lead.favorite)}
      />
    </Tooltip>
  );
}
