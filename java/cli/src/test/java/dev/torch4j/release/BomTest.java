package dev.torch4j.release;

import dev.torch4j.testing.SharedFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * java/bom follows the build: every published module of the reactor (the root pom's modules, less
 * the BOM and what is not deployed), each at the build's own version, torch4j-native's platform jars
 * as torch4j-libtorch names them, and the openblas pin of the root pom.
 */
class BomTest {
    private static Path root;
    private static Document bom;

    @BeforeAll
    static void read() throws Exception {
        root = SharedFolder.repositoryRoot();
        assertNotNull(root, "no repository root above " + Path.of("").toAbsolutePath());
        bom = parse(root.resolve("java/bom/pom.xml"));
    }

    @Test
    void everyPublishedModuleIsManagedAtTheBuildsVersion() throws Exception {
        Document parent = parse(root.resolve("pom.xml"));
        Set<String> published = new TreeSet<>();
        for (Element module : children(child(parent.getDocumentElement(), "modules"), "module")) {
            Document pom = parse(root.resolve(module.getTextContent().strip()).resolve("pom.xml"));
            Element project = pom.getDocumentElement();
            List<Element> properties = children(project, "properties");
            boolean notDeployed = !properties.isEmpty() && "true".equals(text(properties.get(0), "maven.deploy.skip"));
            if (!text(project, "artifactId").equals("torch4j-bom") && !notDeployed) published.add(text(project, "artifactId"));
        }
        assertTrue(published.containsAll(List.of("torch4j-core", "torch4j-cli", "torch4j-coreml", "torch4j-spark")), published::toString);

        Set<String> managed = new TreeSet<>();
        for (Element dep : managedDependencies()) {
            if (!text(dep, "groupId").equals("dev.torch4j")) continue;
            managed.add(text(dep, "artifactId"));
            assertEquals("${project.version}", text(dep, "version"), text(dep, "artifactId") + " has a hard-coded version");
        }
        assertEquals(published, managed, "the BOM's torch4j modules are the reactor's published modules");
        assertEquals(text(parent.getDocumentElement(), "version"), text(bom.getDocumentElement(), "version"));
    }

    @Test
    void nativePlatformJarsAreTheOnesLibtorchNames() throws Exception {
        Set<String> named = new TreeSet<>();
        for (Element dep : all(parse(root.resolve("java/libtorch/pom.xml")).getDocumentElement(), "dependency")) {
            if (text(dep, "artifactId").equals("torch4j-native") && !text(dep, "classifier").isEmpty()) named.add(text(dep, "classifier"));
        }
        Set<String> managed = new TreeSet<>();
        for (Element dep : managedDependencies()) {
            if (text(dep, "artifactId").equals("torch4j-native") && !text(dep, "classifier").isEmpty()) managed.add(text(dep, "classifier"));
        }
        assertEquals(Set.of("linux-arm64", "linux-x86_64"), named);
        assertEquals(named, managed);
    }

    @Test
    void theOpenblasPinIsTheRootPomsOne() throws Exception {
        String pinned = text(child(parse(root.resolve("pom.xml")).getDocumentElement(), "properties"), "openblas.javacpp.version");
        assertFalse(pinned.isEmpty());
        assertEquals(pinned, text(child(bom.getDocumentElement(), "properties"), "openblas.javacpp.version"));
        int openblas = 0;
        for (Element dep : managedDependencies()) {
            if (text(dep, "groupId").equals("org.bytedeco")) {
                assertEquals("${openblas.javacpp.version}", text(dep, "version"), text(dep, "artifactId"));
                openblas++;
            }
        }
        assertEquals(2, openblas, "openblas and openblas-platform");
    }

    private static List<Element> managedDependencies() {
        return children(child(child(bom.getDocumentElement(), "dependencyManagement"), "dependencies"), "dependency");
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(pom.toFile());
    }

    /** The first direct child element of that name; fails when there is none. */
    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        assertFalse(found.isEmpty(), "<" + parent.getTagName() + "> has no <" + name + ">");
        return found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
        }
        return out;
    }

    private static List<Element> all(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        var nodes = parent.getElementsByTagName(name);
        for (int i = 0; i < nodes.getLength(); i++) out.add((Element) nodes.item(i));
        return out;
    }

    /** The text of a direct child element, or "" when there is none. */
    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
    }
}
