import { Alert } from '@mantine/core'
import { IconPlugConnectedX } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import { useLive } from '../live/LiveProvider.tsx'

/** Shown while the live connection is down; it reconnects by itself. */
export const ConnectionBanner = () => {
  const { t } = useTranslation()
  const { status } = useLive()
  if (status !== 'lost') return null
  return (
    <Alert
      color="red"
      variant="filled"
      radius={0}
      icon={<IconPlugConnectedX size={18} aria-hidden />}
      role="status"
      data-testid="connection-lost"
      py={6}
    >
      {t('live.lost')}
    </Alert>
  )
}
