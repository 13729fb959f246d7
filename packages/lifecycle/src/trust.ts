import { BlockList, isIP } from 'node:net'

/** Whether a peer address is a trusted proxy (its X-Forwarded-* headers describe the real client). */
export type TrustFn = (address: string | undefined) => boolean

const NAMED: Record<string, string[]> = { loopback: ['127.0.0.0/8', '::1/128'] }

/**
 * Compiles TRUST_PROXY: comma-separated addresses and CIDR ranges (IPv4 or IPv6), or `loopback`. Returns
 * the problems for the config error instead of throwing, so every bad entry is named at once.
 */
export function compileTrust(text: string): { trust: TrustFn; problems: string[] } {
  const list = new BlockList()
  const problems: string[] = []
  let empty = true
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    for (const item of NAMED[entry] ?? [entry]) {
      const [address = '', bits] = item.split('/')
      const family = isIP(address)
      const max = family === 4 ? 32 : 128
      const prefix = bits === undefined ? max : Number(bits)
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max || bits === '') {
        problems.push(`"${entry}" is not an IP address, a CIDR range like 10.0.0.0/8, or loopback`)
        continue
      }
      list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6')
      empty = false
    }
  }
  if (empty) return { trust: () => false, problems }
  const trust: TrustFn = (address) => {
    if (!address) return false
    const v4 = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
    const family = isIP(v4)
    return family !== 0 && list.check(v4, family === 4 ? 'ipv4' : 'ipv6')
  }
  return { trust, problems }
}
