import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.ConceptValidationOptions;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * Validates FHIR R4 JSON resources offline with HAPI FHIR's instance validator, many in one JVM
 * (the validator's start-up is the slow part).
 *
 * <pre>
 *   FhirValidate DIR   every *.json file in DIR, in name order
 *   FhirValidate -     one JSON resource per line of standard input (named line-1, line-2, ...)
 * </pre>
 *
 * Prints one JSON object on stdout:
 * {"validator": ..., "counts": {"error": n, ...}, "resources": [{"name", "resourceType", "issues": [
 * {"severity", "location", "line", "column", "messageId", "message"}]}]}.
 * Exit status: 0 no error, 1 at least one error or fatal issue, 2 bad usage or unreadable input.
 *
 * Terminology (docs/decisions.md D59): R4's own code systems and value sets, UCUM, BCP-47, MIME types
 * and ISO codes are checked in memory; a code system the validator has no content for (LOINC,
 * SNOMED CT, ICD-10-CM, MediSync's own) is reported as a warning, never an error. {@link NewerTerminology}
 * names the one HL7 code we use that R4's bundled copy of its code system predates.
 */
public final class FhirValidate {
    private static final String VERSION = "HAPI FHIR instance validator (R4, offline)";

    private FhirValidate() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: FhirValidate DIR | -");
            System.exit(2);
        }
        List<Map.Entry<String, String>> inputs;
        try {
            inputs = args[0].equals("-") ? fromStdin() : fromDirectory(Path.of(args[0]));
        } catch (IOException e) {
            System.err.println("FhirValidate: cannot read " + args[0] + ": " + e);
            System.exit(2);
            return;
        }
        FhirValidator validator = newValidator(FhirContext.forR4());
        ObjectMapper json = new ObjectMapper();
        ObjectNode report = json.createObjectNode().put("validator", VERSION);
        ObjectNode counts = report.putObject("counts");
        ArrayNode resources = report.putArray("resources");
        for (Map.Entry<String, String> input : inputs) {
            resources.add(validate(validator, json, input.getKey(), input.getValue(), counts));
        }
        System.out.println(report.toString());
        System.exit(counts.path("error").asInt() + counts.path("fatal").asInt() > 0 ? 1 : 0);
    }

    /** R4's profiles and the in-memory terminology; HAPI reports a code system it has no content for as a warning. */
    static FhirValidator newValidator(FhirContext context) {
        ValidationSupportChain chain = new ValidationSupportChain(
                new NewerTerminology(context),
                new DefaultProfileValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context));
        FhirInstanceValidator module = new FhirInstanceValidator(chain);
        module.setAnyExtensionsAllowed(false);
        module.setErrorForUnknownProfiles(true);
        return context.newValidator().registerValidatorModule(module);
    }

    static ObjectNode validate(FhirValidator validator, ObjectMapper json, String name, String text,
                               ObjectNode counts) {
        ObjectNode found = json.createObjectNode().put("name", name);
        ArrayNode issues = found.putArray("issues");
        try {
            found.put("resourceType", json.readTree(text).path("resourceType").asText(""));
            ValidationResult result = validator.validateWithResult(text);
            for (SingleValidationMessage message : result.getMessages()) {
                issues.add(issue(json, message, counts));
            }
        } catch (Exception e) {  // unparseable input is a finding about that input, not a crash
            counts.put("fatal", counts.path("fatal").asInt() + 1);
            issues.addObject().put("severity", "fatal").put("messageId", "unparseable")
                    .put("message", String.valueOf(e.getMessage()));
        }
        return found;
    }

    static ObjectNode issue(ObjectMapper json, SingleValidationMessage message, ObjectNode counts) {
        String severity = message.getSeverity().getCode();
        counts.put(severity, counts.path(severity).asInt() + 1);
        ObjectNode issue = json.createObjectNode().put("severity", severity)
                .put("location", message.getLocationString())
                .put("messageId", message.getMessageId())
                .put("message", message.getMessage());
        if (message.getLocationLine() != null) {
            issue.put("line", message.getLocationLine()).put("column", message.getLocationCol());
        }
        return issue;
    }

    static List<Map.Entry<String, String>> fromDirectory(Path directory) throws IOException {
        TreeMap<String, String> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(".json")) {
                    found.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        }
        return new ArrayList<>(found.entrySet());
    }

    static List<Map.Entry<String, String>> fromStdin() throws IOException {
        List<Map.Entry<String, String>> found = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank()) {
                found.add(Map.entry("line-" + (found.size() + 1), line));
            }
        }
        return found;
    }

    /**
     * HL7 Terminology (THO) codes newer than the 2019 copies of their code systems that R4 4.0.1 bundles:
     * exactly the ones MediSync exports. Offline, the validator knows only those copies and calls these
     * codes unknown (an error); the online reference validator, whose terminology server has current THO,
     * accepts them. Any other code of these systems still goes to R4's copy.
     */
    static final class NewerTerminology implements IValidationSupport {
        static final String OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
        static final Set<String> CODES = Set.of(OBSERVATION_VALUE + "#AIAST");  // AI asserted (meta.tag)
        private final FhirContext context;

        NewerTerminology(FhirContext context) {
            this.context = context;
        }

        @Override
        public FhirContext getFhirContext() {
            return context;
        }

        @Override
        public String getName() {
            return "THO codes newer than R4's copy";
        }

        @Override
        public boolean isCodeSystemSupported(ValidationSupportContext support, String system) {
            return OBSERVATION_VALUE.equals(system);
        }

        @Override
        public CodeValidationResult validateCode(ValidationSupportContext support, ConceptValidationOptions options,
                                                 String system, String code, String display, String valueSetUrl) {
            if (valueSetUrl != null || !CODES.contains(system + "#" + code)) {
                return null;  // not ours to answer: the next module of the chain does
            }
            return new CodeValidationResult().setCode(code).setCodeSystemName("ObservationValue");
        }
    }
}
