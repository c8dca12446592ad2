import { Anchor, Badge, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core'
import { IconMail, IconPhone } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useCustomer, useTicketList } from '../api/queries.ts'
import { relativeTime } from '../lib/format.ts'
import { ChannelIcon, StatusBadge } from './TicketBits.tsx'

/** Who the agent is talking to: name first (to greet them), then contact details and history. */
export const CustomerPanel = ({
  customerId,
  currentTicketId,
}: {
  customerId: string
  currentTicketId: string
}) => {
  const { t, i18n } = useTranslation()
  const customer = useCustomer(customerId)
  const history = useTicketList({ customerId, limit: 20 })
  const earlier = (history.data?.pages.flatMap((p) => p.items) ?? []).filter((x) => x.id !== currentTicketId)
  if (customer.isPending) return <Skeleton h={200} />
  if (customer.isError) return <Text c="dimmed">{t('customer.unavailable')}</Text>
  const c = customer.data
  return (
    <Stack gap="sm" component="aside" aria-label={t('customer.panel')} data-testid="customer-panel">
      <Paper withBorder p="sm">
        <Stack gap={6}>
          <Title order={2} size="h4">
            <Anchor component={Link} to={`/customers/${c.id}`} inherit>
              {c.name}
            </Anchor>
          </Title>
          {c.organization && (
            <Anchor component={Link} to={`/organizations/${c.organization.id}`} size="sm">
              {c.organization.name}
            </Anchor>
          )}
          <Group gap={6}>
            <Badge variant="default">{t(`language.${c.language}`)}</Badge>
          </Group>
          {c.emails.map((e) => (
            <Group key={e.email} gap={6} wrap="nowrap">
              <IconMail size={14} aria-hidden />
              <Anchor href={`mailto:${e.email}`} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {e.email}
              </Anchor>
              {e.failing && (
                <Badge color="red" size="xs">
                  {t('customer.failing')}
                </Badge>
              )}
            </Group>
          ))}
          {c.phones.map((p) => (
            <Group key={p.number} gap={6} wrap="nowrap">
              <IconPhone size={14} aria-hidden />
              <Anchor href={`tel:${p.number}`} size="sm">
                {p.number}
              </Anchor>
              {p.label && (
                <Text size="xs" c="dimmed">
                  {p.label}
                </Text>
              )}
            </Group>
          ))}
          {c.notes && (
            <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
              {c.notes}
            </Text>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="sm">
        <Title order={3} size="h6" mb="xs">
          {t('customer.earlier')}
        </Title>
        {earlier.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('customer.noEarlier')}
          </Text>
        ) : (
          <Stack gap={6} data-testid="customer-history">
            {earlier.map((x) => (
              <Stack key={x.id} gap={2}>
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <ChannelIcon channel={x.channel} size={14} />
                  <Anchor component={Link} to={`/tickets/${x.number}`} size="sm" truncate="end">
                    #{x.number} {x.subject}
                  </Anchor>
                </Group>
                <Group gap={6} wrap="nowrap" pl={20}>
                  <StatusBadge status={x.status} />
                  <Text size="xs" c="dimmed">
                    {relativeTime(x.updatedAt, i18n.language)}
                  </Text>
                </Group>
              </Stack>
            ))}
          </Stack>
        )}
      </Paper>
    </Stack>
  )
}
