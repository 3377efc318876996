/**
 * The API through TanStack Query: one cache key per resource, and every change refreshes what it
 * touches (the lead, its history and the lists it appears in).
 */
import {
  type InfiniteData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useConsole } from '../shared/console-context.js';
import type { InsightsQuery, LeadPage, LeadTab, PartnerLead, Stage } from './types.js';

export const keys = {
  leads: ['leads'] as const,
  list: (tab: LeadTab, stage: Stage) => ['leads', tab, stage] as const,
  lead: (id: string) => ['lead', id] as const,
  history: (id: string) => ['history', id] as const,
  profile: ['profile'] as const,
  webhooks: ['webhooks'] as const,
  webhook: (id: string) => ['webhooks', id] as const,
  deliveries: (id: string) => ['deliveries', id] as const,
  insights: (from: string | undefined, to: string | undefined) => ['insights', from ?? '', to ?? ''] as const,
};

const PAGE_SIZE = 25;

export function useLeadList(tab: LeadTab, stage: Stage) {
  const { api } = useConsole();
  return useInfiniteQuery({
    queryKey: keys.list(tab, stage),
    queryFn: ({ pageParam, signal }) =>
      api.listLeads({ tab, stage, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useLead(id: string) {
  const { api } = useConsole();
  return useQuery({ queryKey: keys.lead(id), queryFn: () => api.getLead(id) });
}

export function useHistory(id: string) {
  const { api } = useConsole();
  return useQuery({ queryKey: keys.history(id), queryFn: () => api.getHistory(id) });
}

/** After a change to a lead: the answer is the lead now; its history and every list are stale. */
export function useLeadChanged() {
  const client = useQueryClient();
  return (lead: PartnerLead) => {
    client.setQueryData(keys.lead(lead.id), lead);
    void client.invalidateQueries({ queryKey: keys.history(lead.id) });
    void client.invalidateQueries({ queryKey: keys.leads });
  };
}

const favoriteKeys = {
  any: ['favorite'] as const,
  of: (id: string) => ['favorite', id] as const,
};

/** The heart: shown at once, then the lists refetched (the Favorites tab gains or loses the lead). */
export function useFavorite(lead: PartnerLead) {
  const { api } = useConsole();
  const client = useQueryClient();
  const mark = (favorite: boolean) => {
    client.setQueryData<PartnerLead>(keys.lead(lead.id), (old) => (old ? { ...old, favorite } : old));
    client.setQueriesData<InfiniteData<LeadPage>>({ queryKey: keys.leads }, (old) =>
      old
        ? {
            ...old,
            pages: old.pages.map((page) => ({
              ...page,
              items: page.items.map((item) => (item.id === lead.id ? { ...item, favorite } : item)),
            })),
          }
        : old,
    );
  };
  return useMutation({
    mutationKey: favoriteKeys.of(lead.id),
    // One lead's toggles run one after the other: a quick on-off must not reach the API as an off
    // overtaking its on, which would leave the heart empty over a favorite.
    scope: { id: `favorite:${lead.id}` },
    mutationFn: (favorite: boolean) => api.setFavorite(lead.id, favorite),
    onMutate: async (favorite) => {
      // A read still in flight was answered before this toggle reached the API: landing after the
      // heart is drawn, it would show the old state, and the next press would repeat this one.
      await client.cancelQueries({ queryKey: keys.leads });
      await client.cancelQueries({ queryKey: keys.lead(lead.id) });
      mark(favorite);
    },
    onError: (_error, favorite) => mark(!favorite),
    // Read again once the last pending toggle settles (of any lead for the lists, of this one for
    // its page), for the same reason; that also replaces a read cancelled above.
    onSettled: () => {
      const last = (key: readonly string[]) => client.isMutating({ mutationKey: key }) === 1;
      if (last(favoriteKeys.of(lead.id))) void client.invalidateQueries({ queryKey: keys.lead(lead.id) });
      if (last(favoriteKeys.any)) void client.invalidateQueries({ queryKey: keys.leads });
    },
  });
}

/** Insights of a period (the API's default, the last three months, when neither end is given). */
export function useInsights(query: InsightsQuery) {
  const { api } = useConsole();
  return useQuery({
    queryKey: keys.insights(query.from, query.to),
    queryFn: ({ signal }) => api.getInsights(query, signal),
    // A new period keeps the last one on screen until its figures arrive.
    placeholderData: (previous) => previous,
  });
}

export function useWebhooks() {
  const { api } = useConsole();
  return useQuery({ queryKey: keys.webhooks, queryFn: () => api.listWebhooks() });
}

export function useWebhook(id: string) {
  const { api } = useConsole();
  return useQuery({ queryKey: keys.webhook(id), queryFn: () => api.getWebhook(id) });
}

/** A subscription's delivery log, newest first, a page at a time. */
export function useDeliveries(id: string) {
  const { api } = useConsole();
  return useInfiniteQuery({
    queryKey: keys.deliveries(id),
    queryFn: ({ pageParam, signal }) => api.listDeliveries(id, pageParam || undefined, signal),
    initialPageParam: '',
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // Deliveries move on their own (the queue sends and retries them): follow while any is pending.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((d) => d.status === 'pending')) ? 2000 : false,
  });
}
