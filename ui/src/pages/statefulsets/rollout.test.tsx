import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { StatefulSetDetail } from "../../api";
import { backend } from "../../test/fakeTauri";
import { detail, ordinal, status } from "../../test/sts";
import { ordinalStates, RolloutTab } from "./RolloutTab";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

/** pg with 4 replicas mid-rollout: ordinal 3 updated, 2 next, partition 1 holds ordinal 0. */
function staged(extra: Partial<StatefulSetDetail["rollout"]> = {}): StatefulSetDetail {
  const d = detail({ ordinals: [ordinal(0, true), ordinal(1, true), ordinal(2, true), ordinal(3, true)] });
  d.ordinals = d.ordinals.map((o) => (o.pod ? { ...o, pod: { ...o.pod, updated: o.ordinal === 3, revision: o.ordinal === 3 ? "pg-new" : "pg-abc" } } : o));
  d.rollout = { ...d.rollout, partition: 1, updateRevision: "pg-new", updated: 1, pendingOrdinals: [2, 1], heldOrdinals: [0], ...extra };
  return d;
}

function stateOf(n: number) {
  return screen.getAllByTestId("ordinal-box").find((b) => b.dataset.ordinal === String(n))!.dataset.state;
}

beforeEach(() => {
  backend.reset();
  backend.on("run_action", () => 7);
});

describe("rollout tab", () => {
  it("shows each ordinal as updated, next in line or held by the partition", () => {
    render(<RolloutTab detail={staged()} status={status("prod-eu")} />);
    expect([0, 1, 2, 3].map(stateOf)).toEqual(["held", "pending", "pending", "updated"]);
    expect(screen.getAllByTestId("ordinal-box").find((b) => b.dataset.ordinal === "2")).toHaveClass("is-next");
    expect(screen.getByTestId("rollout-explain")).toHaveTextContent("below the partition (1)");
    expect(ordinalStates(staged({ heldOrdinals: [], pendingOrdinals: [] })).map((o) => o.state)).toEqual(["current", "current", "current", "updated"]);
  });

  it("sets the partition from the slider, pauses after the next ordinal, and resumes", async () => {
    const user = userEvent.setup();
    render(<RolloutTab detail={staged()} status={status("prod-eu")} />);
    expect(screen.getByTestId("partition-apply")).toBeDisabled();
    fireEvent.change(screen.getByTestId("partition-slider"), { target: { value: "3" } });
    expect(screen.getByTestId("partition-value")).toHaveTextContent("3: 1 may update, 3 held");
    await user.click(screen.getByTestId("partition-apply"));
    await waitFor(() => expect(backend.callsOf("run_action")).toHaveLength(1));
    expect(backend.callsOf("run_action")[0]!.args.request).toMatchObject({ action: { type: "partition", partition: 3 }, targets: [{ namespace: "db", name: "pg" }] });
  });

  it("pause-after-next sets the partition to the ordinal being updated; resume sets 0", async () => {
    const user = userEvent.setup();
    const { unmount } = render(<RolloutTab detail={staged({ partition: 0, heldOrdinals: [], pendingOrdinals: [2, 1, 0] })} status={status("prod-eu")} />);
    expect(screen.getByTestId("rollout-resume")).toBeDisabled();
    await user.click(screen.getByTestId("rollout-pause-next"));
    await waitFor(() => expect(backend.callsOf("run_action")[0]!.args.request).toMatchObject({ action: { type: "partition", partition: 2 } }));
    unmount();
    render(<RolloutTab detail={staged()} status={status("prod-eu")} />);
    await user.click(screen.getByTestId("rollout-resume"));
    await waitFor(() => expect(backend.callsOf("run_action")[1]!.args.request).toMatchObject({ action: { type: "partition", partition: 0 } }));
  });

  it("offers no controls for OnDelete, and none on a read-only context", () => {
    const { unmount } = render(<RolloutTab detail={staged({ strategy: "OnDelete", heldOrdinals: [] })} status={status("prod-eu")} />);
    expect(screen.queryByTestId("partition-slider")).not.toBeInTheDocument();
    expect(screen.getByTestId("rollout-explain")).toHaveTextContent("OnDelete");
    unmount();
    render(<RolloutTab detail={staged()} status={status("prod-eu", "readOnly")} />);
    expect(screen.getByTestId("partition-slider")).toBeDisabled();
    expect(screen.getByTestId("rollout-resume")).toBeDisabled();
  });
});
