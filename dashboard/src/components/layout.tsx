// The page frame: a skip link, the header with the navigation (a menu button at
// phone width), who is signed in, and sign-out.
import { useEffect, useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { useSession } from "../auth/session";
import { API_BASE_URL } from "../config";

const NAV = [
  { href: "/tasks", label: "Tasks" },
  { href: "/tasks/new", label: "New task" },
  { href: "/analytics", label: "Analytics" },
  { href: "/deliveries", label: "Deliveries" },
  { href: "/graph", label: "Knowledge graph" },
  { href: "/mcp-tokens", label: "MCP tokens" },
];

function isCurrent(href: string, location: string): boolean {
  if (href === "/tasks") return location === "/tasks" || (location.startsWith("/tasks/") && location !== "/tasks/new");
  return location === href || location.startsWith(`${href}/`);
}

export function Layout({ children }: { children: ReactNode }) {
  const { session, signOut } = useSession();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [location]);
  const user = session.status === "signed-in" ? session.user : null;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header-inner">
          <Link href="/tasks" className="brand">
            agent-bot
          </Link>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            Menu
          </button>
          <nav id="site-nav" aria-label="Main" className={menuOpen ? "site-nav open" : "site-nav"}>
            <ul>
              {NAV.map((item) => (
                <li key={item.href}>
                  <Link href={item.href} aria-current={isCurrent(item.href, location) ? "page" : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
            <div className="session-box">
              {user && (
                <span className="session-user" title={`signed in with ${user.method === "access" ? "Cloudflare Access" : "an API token"}`}>
                  {user.name ?? user.id}
                </span>
              )}
              {user?.method === "access" ? (
                <a className="button button-small button-quiet" href={`${API_BASE_URL}/cdn-cgi/access/logout`}>
                  Sign out
                </a>
              ) : (
                <button type="button" className="button button-small button-quiet" onClick={() => signOut()}>
                  Sign out
                </button>
              )}
            </div>
          </nav>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
