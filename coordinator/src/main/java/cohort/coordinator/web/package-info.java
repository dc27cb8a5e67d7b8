/**
 * The web dashboard at {@code /ui/}: its routes and login ({@link
 * cohort.coordinator.web.DashboardRoutes}), the live feed that samples the coordinator once a
 * second for every open browser ({@link cohort.coordinator.web.LiveFeed}, {@link
 * cohort.coordinator.web.LiveState}), and what a job's page reads on demand. Its pages, scripts and
 * styles are resources under {@code cohort/dashboard/}; who may see them is decided in {@code
 * security} ({@code ApiAccess}, {@code Sessions}).
 */
package cohort.coordinator.web;
