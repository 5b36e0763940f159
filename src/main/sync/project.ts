/**
 * One project's sync, in the order the design prescribes: refresh the project, its files, its
 * series (indicators) and their documents; then per series push creations, updates, deletions and
 * photo changes, then pull observations and deletions.
 */
import type { ServerSeries } from '../../shared/model';
import { downloadDocument, removeCachedFiles } from '../documents/documents';
import { refreshProjectFiles } from '../documents/projectFiles';
import { AppError, reportedError } from '../errors';
import { getIndicatorDef, LINK_DOCUMENT_TYPE, saveDocuments, saveProjectIndicators } from '../store/indicators';
import { updateProjectDetails } from '../store/projects';
import { pullDeletions, pullObservations } from './pull';
import { pushCreations, pushDeletions, pushMedia, pushUpdates } from './push';
import { checkCancelled, type Step } from './step';

export async function syncProject(step: Step, projectKey: string): Promise<void> {
  const db = step.store.db;
  step.progress('indicators', { indicatorCode: null, done: 0, total: null });
  updateProjectDetails(db, await step.client.project(projectKey, step.signal));
  const indicators = await step.client.indicators(projectKey, step.signal);
  saveProjectIndicators(db, projectKey, indicators);
  step.progress('documents', { indicatorCode: null, done: 0, total: null });
  step.report.problems.push(...(await refreshProjectFiles(step.store, step.client, projectKey, step.signal)));
  await refreshDocuments(step, indicators);
  for (const ind of indicators) {
    checkCancelled(step);
    const dims = getIndicatorDef(db, ind.code).dimensions;
    await pushCreations(step, ind.code, dims);
    const revivedByUpdates = await pushUpdates(step, ind.code, dims);
    const revived = (await pushDeletions(step, ind.code)) || revivedByUpdates;
    // Observations the server had deleted and the user wanted back go as new ones in this same sync.
    if (revived) await pushCreations(step, ind.code, dims);
    await pushMedia(step, ind.code);
    await pullObservations(step, ind.code);
    await pullDeletions(step, ind.code);
  }
}

async function refreshDocuments(step: Step, indicators: readonly ServerSeries[]): Promise<void> {
  let done = 0;
  for (const ind of indicators) {
    step.progress('documents', { indicatorCode: ind.code, done, total: indicators.length });
    removeCachedFiles(step.store, saveDocuments(step.store.db, ind.code, ind.documents));
    for (const doc of ind.documents) {
      // A link to a web page is opened in the browser when asked, never downloaded.
      if (doc.type === LINK_DOCUMENT_TYPE) continue;
      try {
        await downloadDocument(step.store, step.client, doc.uuid, step.signal);
      } catch (err) {
        // A missing file on the server must not block the observations; offline/cancel must.
        if (err instanceof AppError && ['offline', 'cancelled', 'unauthorized'].includes(err.code)) throw err;
        step.report.problems.push({ kind: 'download', what: 'document', name: doc.label, error: reportedError(err) });
      }
    }
    done++;
  }
}
