import { PasswordInput, type PasswordInputProps } from '@mantine/core'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'

/**
 * A password input whose show/hide button says what it does, in the reader's language, and can
 * be reached with the keyboard.
 */
export const PasswordField = (props: Omit<PasswordInputProps, 'visible' | 'onVisibilityChange'>) => {
  const { t } = useTranslation()
  const [visible, setVisible] = useState(false)
  return (
    <PasswordInput
      {...props}
      visible={visible}
      onVisibilityChange={setVisible}
      visibilityToggleButtonProps={{
        'aria-label': visible ? t('common.hidePassword') : t('common.showPassword'),
        'aria-pressed': visible,
        tabIndex: 0,
      }}
    />
  )
}
