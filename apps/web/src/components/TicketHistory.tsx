import { Anchor, Button, Table, Text } from '@mantine/core'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { useTicketList } from '../api/queries.ts'
import type { TicketQuery } from '../api/types.ts'
import { dateTime } from '../lib/format.ts'
import { ChannelIcon, StatusBadge } from './TicketBits.tsx'

/** Tickets of a customer (or any query) across all channels, with their outcome. */
export const TicketHistory = ({ query, label }: { query: TicketQuery; label: string }) => {
  const { t, i18n } = useTranslation()
  const list = useTicketList({ ...query, limit: 25 })
  const tickets = list.data?.pages.flatMap((p) => p.items) ?? []
  if (list.isSuccess && tickets.length === 0) return <Text c="dimmed">{t('customer.noEarlier')}</Text>
  return (
    <>
      <Table aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('inbox.col.number')}</Table.Th>
            <Table.Th>{t('inbox.col.channel')}</Table.Th>
            <Table.Th>{t('inbox.col.subject')}</Table.Th>
            <Table.Th>{t('inbox.col.status')}</Table.Th>
            <Table.Th>{t('customer.lastChange')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tickets.map((x) => (
            <Table.Tr key={x.id}>
              <Table.Td>
                <Anchor component={Link} to={`/tickets/${x.number}`} size="sm">
                  #{x.number}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <ChannelIcon channel={x.channel} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{x.subject}</Text>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={x.status} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{dateTime(x.updatedAt, i18n.language)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {list.hasNextPage && (
        <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
          {t('inbox.more')}
        </Button>
      )}
    </>
  )
}
