import { Component, type ReactNode } from "react";
import { ErrorState } from "./States";

/**
 * Keeps a failure of one part of a view (a tab, a chart) from blanking the whole window: shows
 * what went wrong in its place, with a retry, and logs it to the console.
 */
export class ErrorBoundary extends Component<{ children: ReactNode; resetKey?: string }, { error: Error | null; key?: string }> {
  override state: { error: Error | null; key?: string } = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey?: string }, state: { error: Error | null; key?: string }) {
    // another tab or object: start again
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: Error) {
    console.error("view failed:", error);
  }

  override render() {
    if (this.state.error) {
      return (
        <div data-testid="view-error">
          <ErrorState error={{ code: "Internal", message: `${this.state.error.name}: ${this.state.error.message}` }} onRetry={() => this.setState({ error: null })} inline />
        </div>
      );
    }
    return this.props.children;
  }
}
