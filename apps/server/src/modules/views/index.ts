/** Saved views: each staff user's named inbox filters. */

export { createSavedView, deleteSavedView, listSavedViews } from './views.service.ts'
