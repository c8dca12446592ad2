/** Demo data: a small support company to try the desk with. */
export { DEMO_STAFF_DOMAIN, seedDemo } from './demo.seed.ts'
