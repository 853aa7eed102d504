import type { ComponentType } from 'preact';
import type { UserRole } from '../../../shared/account.ts';
import type { Route } from './router.ts';

export interface PageProps {
  route: Route;
}

/** One page of the dashboard: its id is its route (`#/<id>/…`) and `title` its name in the menu. */
export interface PageDefinition {
  id: string;
  title: string;
  component: ComponentType<PageProps>;
  /** Reached by links (a guide), not listed in the menu. */
  hidden?: boolean;
  /** Only these roles see it in the menu; anyone else who opens it reads who may (the route table says the same). */
  roles?: readonly UserRole[];
}
