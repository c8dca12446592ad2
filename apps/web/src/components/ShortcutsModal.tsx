import { Kbd, Modal, Table } from '@mantine/core'
import { useTranslation } from 'react-i18next'

const SHORTCUTS: [string[], string][] = [
  [['j'], 'shortcuts.next'],
  [['k'], 'shortcuts.previous'],
  [['Enter'], 'shortcuts.open'],
  [['x'], 'shortcuts.select'],
  [['r'], 'shortcuts.reply'],
  [['n'], 'shortcuts.note'],
  [['u'], 'shortcuts.back'],
  [['/'], 'shortcuts.search'],
  [['?'], 'shortcuts.help'],
]

export const ShortcutsModal = ({ opened, onClose }: { opened: boolean; onClose: () => void }) => {
  const { t } = useTranslation()
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={t('shortcuts.title')}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Table>
        <Table.Tbody>
          {SHORTCUTS.map(([keys, label]) => (
            <Table.Tr key={label}>
              <Table.Td>
                {keys.map((k) => (
                  <Kbd key={k}>{k}</Kbd>
                ))}
              </Table.Td>
              <Table.Td>{t(label)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Modal>
  )
}
