import { useAsync } from './useAsync';

/** The project's label for breadcrumbs; its key until the store answers. */
export function useProjectLabel(projectKey: string): string {
  const projects = useAsync(() => window.gobs.projects.list(), []);
  return projects.data?.find((p) => p.key === projectKey)?.label ?? projectKey;
}
