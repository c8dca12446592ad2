import { InvalidArgumentError } from 'commander'

/** Parses `--port`: an integer from 0 to 65535. */
export const parsePort = (value: string) => {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('must be a port number (0-65535)')
  return port
}

export const parseHost = (value: string) => {
  if (!value.trim()) throw new InvalidArgumentError('must not be empty')
  return value.trim()
}

export const parseNonEmpty = (value: string) => {
  if (!value.trim()) throw new InvalidArgumentError('must not be empty')
  return value.trim()
}
