// The interactive neighbourhood view (cytoscape). Lazy-loaded by the graph page,
// so cytoscape is not in the initial bundle. Tapping a node selects and expands it.
import cytoscape, { type Core } from "cytoscape";
import { useEffect, useRef } from "react";
import type { CytoscapeElement } from "./graph-data";

export interface GraphCanvasProps {
  elements: CytoscapeElement[];
  selectedId: string | null;
  onNodeTap: (id: string) => void;
  label: string;
}

const LAYOUT = { name: "cose", animate: false, fit: true, padding: 24, nodeRepulsion: () => 9000, idealEdgeLength: () => 90 } as const;

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

export default function GraphCanvas({ elements, selectedId, onNodeTap, label }: GraphCanvasProps) {
  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const onTap = useRef(onNodeTap);
  onTap.current = onNodeTap;

  useEffect(() => {
    if (!container.current) return;
    const text = cssVar("--text", "#111");
    const muted = cssVar("--muted", "#666");
    const colours: Record<string, string> = {
      github: cssVar("--chart-1", "#4f46e5"),
      jira: cssVar("--chart-2", "#0ea5e9"),
      slack: cssVar("--chart-3", "#d946ef"),
      sentry: cssVar("--chart-4", "#f97316"),
      person: cssVar("--chart-5", "#10b981"),
      "agent-bot": cssVar("--accent", "#4f46e5"),
    };
    const element = container.current;
    const cy = cytoscape({
      container: element,
      minZoom: 0.2,
      // A neighbourhood of two or three nodes is fitted to the stage; beyond 2× its labels are huge.
      maxZoom: 2,
      style: [
        {
          selector: "node",
          style: {
            label: "data(label)",
            "background-color": (node) => colours[node.data("vendor") as string] ?? muted,
            color: text,
            "font-size": 11,
            "text-valign": "bottom",
            "text-margin-y": 4,
            "text-wrap": "ellipsis",
            "text-max-width": "140px",
            width: 22,
            height: 22,
          },
        },
        { selector: "node:selected", style: { "border-width": 4, "border-color": text } },
        {
          selector: "edge",
          style: {
            width: 1.5,
            "line-color": muted,
            "target-arrow-color": muted,
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
            label: "data(label)",
            "font-size": 9,
            color: muted,
            "text-rotation": "autorotate",
          },
        },
      ],
    });
    cy.on("tap", "node", (event) => onTap.current(event.target.id() as string));
    cyRef.current = cy;
    // Cytoscape measures its container only on window resizes. The stage also changes size on
    // its own (the side panel appears beside it, the phone layout stacks them), and a layout run
    // against the old size bunches the nodes into a line: lay out again at the new size.
    let size = `${element.clientWidth}x${element.clientHeight}`;
    const observer =
      typeof ResizeObserver === "undefined"
        ? undefined
        : new ResizeObserver(() => {
            const next = `${element.clientWidth}x${element.clientHeight}`;
            if (next === size) return;
            size = next;
            cy.resize();
            if (cy.nodes().nonempty()) cy.layout(LAYOUT).run();
          });
    observer?.observe(element);
    return () => {
      observer?.disconnect();
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const fresh = elements.filter((element) => cy.getElementById(String(element.data.id)).empty());
    if (!fresh.length) return;
    cy.add(fresh);
    cy.resize();
    cy.layout(LAYOUT).run();
  }, [elements]);

  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.$(":selected").unselect();
    if (selectedId) cy.getElementById(selectedId).select();
  }, [selectedId, elements]);

  return <div ref={container} className="graph-canvas" role="img" aria-label={label} data-testid="graph-canvas" />;
}
