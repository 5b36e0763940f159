/**
 * A tiny hash router: the page lives in location.hash so a reload keeps it, and moving between
 * pages is same-document navigation (main forbids real navigation).
 */
import { useEffect, useState } from 'react';

export type Route =
  | { name: 'connect' }
  | { name: 'projects' }
  | { name: 'project'; projectKey: string }
  | { name: 'indicator'; projectKey: string; indicatorCode: string }
  | { name: 'newObservation'; projectKey: string; indicatorCode: string }
  | { name: 'observation'; projectKey: string; indicatorCode: string; uuid: string }
  | { name: 'conflicts' }
  | { name: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c, d, e, f] = parts;
  if (a === 'p' && b) {
    if (c === 'i' && d) {
      if (e === 'new') return { name: 'newObservation', projectKey: b, indicatorCode: d };
      if (e === 'o' && f) return { name: 'observation', projectKey: b, indicatorCode: d, uuid: f };
      return { name: 'indicator', projectKey: b, indicatorCode: d };
    }
    return { name: 'project', projectKey: b };
  }
  if (a === 'connect') return { name: 'connect' };
  if (a === 'conflicts') return { name: 'conflicts' };
  if (a === 'settings') return { name: 'settings' };
  return { name: 'projects' };
}

export function routeHref(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.name) {
    case 'connect':
      return '#/connect';
    case 'projects':
      return '#/projects';
    case 'project':
      return `#/p/${enc(route.projectKey)}`;
    case 'indicator':
      return `#/p/${enc(route.projectKey)}/i/${enc(route.indicatorCode)}`;
    case 'newObservation':
      return `#/p/${enc(route.projectKey)}/i/${enc(route.indicatorCode)}/new`;
    case 'observation':
      return `#/p/${enc(route.projectKey)}/i/${enc(route.indicatorCode)}/o/${enc(route.uuid)}`;
    case 'conflicts':
      return '#/conflicts';
    case 'settings':
      return '#/settings';
  }
}

export function navigate(route: Route, replace = false): void {
  const href = routeHref(route);
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    window.addEventListener('popstate', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
      window.removeEventListener('popstate', onChange);
    };
  }, []);
  return route;
}
