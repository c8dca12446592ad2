import { Badge, Tooltip } from '@mantine/core'
import {
  IconApi,
  IconArrowUp,
  IconBuildingStore,
  IconMail,
  IconMessageCircle,
  IconNote,
  IconPhone,
  IconSettings,
  IconWorld,
} from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { Channel, TicketPriority, TicketStatus } from '../api/types.ts'

const CHANNEL_ICONS = {
  email: IconMail,
  phone: IconPhone,
  chat: IconMessageCircle,
  walk_in: IconBuildingStore,
  portal: IconWorld,
  api: IconApi,
  note: IconNote,
  system: IconSettings,
} as const

export const ChannelIcon = ({ channel, size = 16 }: { channel: Channel; size?: number }) => {
  const { t } = useTranslation()
  const Icon = CHANNEL_ICONS[channel]
  const label = t(`channel.${channel}`)
  return (
    <Tooltip label={label} withArrow>
      <span role="img" aria-label={label} style={{ display: 'inline-flex' }}>
        <Icon size={size} aria-hidden />
      </span>
    </Tooltip>
  )
}

// A badge is as wide as its text: a narrow column never cuts it to "PEND…".
const wholeBadge = { minWidth: 'max-content', flexShrink: 0 } as const

const STATUS_COLORS: Record<TicketStatus, string> = {
  new: 'blue',
  open: 'red',
  pending: 'yellow',
  on_hold: 'grape',
  solved: 'green',
  closed: 'gray',
}

export const StatusBadge = ({ status }: { status: TicketStatus }) => {
  const { t } = useTranslation()
  return (
    <Badge
      color={STATUS_COLORS[status]}
      variant="dot"
      styles={{ root: wholeBadge, label: { color: 'var(--mantine-color-text)' } }}
    >
      {t(`status.${status}`)}
    </Badge>
  )
}

const PRIORITY_COLORS: Record<TicketPriority, string> = {
  low: 'gray',
  normal: 'blue',
  high: 'orange',
  urgent: 'red',
}

export const PriorityBadge = ({ priority }: { priority: TicketPriority }) => {
  const { t } = useTranslation()
  return (
    <Badge
      color={PRIORITY_COLORS[priority]}
      variant={priority === 'urgent' ? 'filled' : 'default'}
      styles={{ root: wholeBadge }}
      leftSection={
        priority === 'high' ? (
          <IconArrowUp size={12} color="var(--mantine-color-orange-7)" aria-hidden />
        ) : undefined
      }
    >
      {t(`priority.${priority}`)}
    </Badge>
  )
}
