// Programmatic navigation between hash routes.

/** Goes to `#<path>` (e.g. `navigate('/overview')`). */
export function navigate(path: string): void {
  if (window.location.hash !== `#${path}`) window.location.hash = path;
}
