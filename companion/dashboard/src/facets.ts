import { useEffect, useState } from 'preact/hooks';
import { API } from '../../../shared/api/index.ts';
import type { AnnotationFacets } from '../../../shared/dashboard.ts';
import { api } from './api.ts';

const EMPTY: AnnotationFacets = { sites: [], models: [], annotators: [], tags: [] };
let cached: Promise<AnnotationFacets> | undefined;

/** Forget the loaded values (after an edit adds a tag, or a restore adds sites). */
export function invalidateFacets(): void {
  cached = undefined;
  window.dispatchEvent(new Event('margin:facets-changed'));
}

/** The sites, models, annotators and tags the filters offer, loaded once per change. */
export function useFacets(): AnnotationFacets {
  const [facets, setFacets] = useState<AnnotationFacets>(EMPTY);
  useEffect(() => {
    let live = true;
    const load = () => {
      cached ??= api(API.annotations.facets, {});
      cached.then(
        (value) => live && setFacets(value),
        () => {
          cached = undefined;
        },
      );
    };
    load();
    window.addEventListener('margin:facets-changed', load);
    return () => {
      live = false;
      window.removeEventListener('margin:facets-changed', load);
    };
  }, []);
  return facets;
}
