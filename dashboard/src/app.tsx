// The app: the session gate, then the pages. Analytics (recharts) and the graph
// canvas (cytoscape) are lazy-loaded, so neither is in the initial bundle.
import { lazy, Suspense } from "react";
import { Redirect, Route, Switch } from "wouter";
import { SignInPage } from "./auth/sign-in.page";
import { useSession } from "./auth/session";
import { Layout } from "./components/layout";
import { Loading } from "./components/states";
import { DeliveriesPage } from "./deliveries/deliveries.page";
import { GraphPage } from "./graph/graph.page";
import { McpTokensPage } from "./mcp/mcp-tokens.page";
import { NewTaskPage } from "./tasks/new-task.page";
import { TaskPage } from "./tasks/task.page";
import { TasksListPage } from "./tasks/tasks-list.page";

const AnalyticsPage = lazy(() => import("./analytics/analytics.page"));

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        <a href="/tasks">Go to the tasks</a>
      </p>
    </section>
  );
}

export function App() {
  const { session } = useSession();
  if (session.status === "checking") {
    return (
      <main id="main" className="sign-in">
        <Loading label="Checking your session…" />
      </main>
    );
  }
  if (session.status === "signed-out") return <SignInPage />;
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/">
            <Redirect to="/tasks" replace />
          </Route>
          <Route path="/tasks" component={TasksListPage} />
          <Route path="/tasks/new" component={NewTaskPage} />
          <Route path="/tasks/:id">{(params) => <TaskPage id={params.id} />}</Route>
          <Route path="/analytics" component={AnalyticsPage} />
          <Route path="/deliveries" component={DeliveriesPage} />
          <Route path="/graph" component={GraphPage} />
          <Route path="/mcp-tokens" component={McpTokensPage} />
          <Route component={NotFound} />
        </Switch>
      </Suspense>
    </Layout>
  );
}
