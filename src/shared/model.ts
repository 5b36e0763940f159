/**
 * What any kind of server gives the desktop, as the sync engine and the store take it: our API's
 * shapes (api.ts), widened with what a Lizmap G-Obs server adds (series, an end time, whether the
 * user may edit, more dimension types, links). Each server client validates its own wire format
 * and produces these; nothing here crosses a process boundary, so there is no schema to derive.
 */
import type { Indicator, IndicatorDocument, Observation, Project } from './api';
import type { DimensionType, NotEditableReason } from './constants';

export interface ServerExtent {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface ServerProject extends Project {
  /** The project's GeoPackage (its spatial layers), downloaded for offline use. */
  geopackage_url?: string | null;
  extent?: ServerExtent | null;
}

export interface ServerDimension {
  code: string;
  name: string;
  type: DimensionType;
  unit: string | null;
}

export interface ServerDocument extends Omit<IndicatorDocument, 'type' | 'mime_type' | 'size'> {
  /** Our types, plus 'url': `url` is then a web page, opened in the browser and never downloaded. */
  type: string;
  mime_type?: string;
  size?: number;
}

/** Where a series lives on a Lizmap server (our server has none: one series per indicator). */
export interface ServerSeriesInfo {
  id: string;
  /** The project the series belongs to: its key goes in every URL about the series. */
  projectKey: string;
  /** The indicator's own code on the server. */
  indicatorCode: string;
  layerCode: string | null;
  protocolCode: string | null;
}

/**
 * A series as the engine stores it: its indicator (dimensions, documents), under `code`, the key the
 * device knows the series by (our server: the indicator's code).
 */
export interface ServerSeries extends Omit<Indicator, 'values' | 'documents'> {
  values: ServerDimension[];
  documents: ServerDocument[];
  preview_url?: string | null;
  icon_url?: string | null;
  series?: ServerSeriesInfo | null;
}

export type ServerValue = number | boolean | string | null;

/** An observation as a server holds it; `indicator` is the key of its series on this device. */
export interface ServerObservation extends Omit<Observation, 'values' | 'author'> {
  values: { name: string; type?: string; value: ServerValue }[];
  /** Who wrote it; absent when the server does not say (what the device knew is kept). */
  author?: string | null;
  end_timestamp?: string | null;
  /** Whether the server lets this user change it (null or absent: it does not say). */
  editable?: boolean | null;
  not_editable?: NotEditableReason | null;
  /**
   * Which answer `editable` comes from, when it matters: a Lizmap list looks only at the author,
   * its detail also at the editing window (so the author's own, not editable in the detail, is
   * past its window).
   */
  editable_from?: 'list' | 'detail';
}
