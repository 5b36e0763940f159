import { createContext, useContext } from 'react';

export interface ToastAction {
  label: string;
  run(): void | Promise<void>;
}
export interface ToastMessage {
  text: string;
  action?: ToastAction;
  tone?: 'info' | 'error';
}

export const ToastContext = createContext<(toast: ToastMessage | null) => void>(() => {});

/** Shows a short message at the bottom (with an optional action such as Undo); null hides it. */
export function useToast(): (toast: ToastMessage | null) => void {
  return useContext(ToastContext);
}
